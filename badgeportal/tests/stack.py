"""The real stack for integration tests: PostgreSQL, Redis as broker, a Celery worker, an SMTP server and
S3-compatible storage (moto in server mode).

The root conftest loads this module as a plugin, so its fixtures (`real_services`, `smtp_inbox`,
`celery_worker_thread`, `worker_processes`, `private_redis`) are there for every test; the helpers are
imported.
"""

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from conftest import require_service
from outbox.models import OutboxEmail


class Inbox:
    """aiosmtpd handler that keeps every message it receives and counts connections. It refuses `refused`
    recipients, closes a connection after `messages_per_connection` messages as many providers do, and
    answers "shutting down" from connection number `down_from_connection` on."""

    def __init__(self):
        self.messages = []
        self.connections = 0
        self.refused = set()
        self.messages_per_connection = None
        self.down_from_connection = None
        self.arrived = threading.Condition()
        self.port = None
        self._held_address = None
        self.holding = threading.Event()
        self._release = threading.Event()

    def hold(self, address):
        """Keep the sender of the next RCPT TO `address` waiting, mid-send, until `release()`; it is then
        told to try again later (451), so that message is not accepted."""
        self._held_address = address

    def release(self):
        self._release.set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.connections += 1
        session.number = self.connections
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.down_from_connection and session.number >= self.down_from_connection:
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        if address == self._held_address:
            self._held_address = None
            self.holding.set()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait)
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        session.messages = getattr(session, "messages", 0) + 1
        if self.messages_per_connection and session.messages > self.messages_per_connection:
            return "421 4.7.0 Too many messages on this connection, closing it"
        with self.arrived:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.arrived.notify_all()
        return "250 Message accepted"

    def wait_for(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        with self.arrived:
            while len(self.messages) < count and time.monotonic() < deadline:
                self.arrived.wait(deadline - time.monotonic())
        return self.messages

    def recipients(self):
        return sorted(message["To"] for message in self.messages)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def real_services():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL: set DATABASE_URL=postgres://... (make test-integration does)")
    if not settings.REDIS_URL:
        require_service("Redis: set REDIS_URL=redis://... (make test-integration does)")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        require_service(f"Redis at {settings.REDIS_URL} is not reachable: {error}")


def smtp_server(inbox, port=None):
    """Start an SMTP server on 127.0.0.1 (on `port`, or a free one) delivering into `inbox`."""
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    inbox.port = controller.port
    return controller


@pytest.fixture
def smtp_inbox(settings):
    inbox = Inbox()
    controller = smtp_server(inbox)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 10},
        }
    }
    yield inbox
    controller.stop()


@pytest.fixture
def celery_worker_thread(real_services):
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping, which start_worker expects)
    from celery.contrib.testing.worker import start_worker

    from badgeportal.celery import app

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def wait_until_sent(row_filter, timeout=15):
    # The worker stamps the row right after SMTP accepts the message, in its own transaction.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if OutboxEmail.objects.filter(**row_filter, sent_at__isnull=False).exists():
            return True
        time.sleep(0.1)
    return False


def plain_text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


# Badge images and issuer logos are public; earners' data downloads (exports/) are not.
PUBLIC_PREFIXES = ("badges/", "issuers/", "profiles/")


def public_read_policy(bucket):
    statement = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": [f"arn:aws:s3:::{bucket}/{prefix}*" for prefix in PUBLIC_PREFIXES],
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


@pytest.fixture(scope="session")
def s3_server():
    """A local S3-compatible server (moto in server mode) on a free loopback port; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    yield f"http://127.0.0.1:{server._port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    """Media in a fresh bucket on the local S3 server, configured as production configures it."""
    import boto3

    bucket = f"media-{uuid.uuid4().hex[:12]}"
    credentials = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
    s3 = boto3.client("s3", endpoint_url=s3_server, **credentials)
    s3.create_bucket(Bucket=bucket)
    # Anyone may read the public objects, as the README asks of a media bucket.
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read_policy(bucket)))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_server,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "querystring_auth": False,
                "file_overwrite": False,
            },
        },
    }
    return f"{s3_server}/{bucket}"


class RedisServer:
    """A redis-server of the test's own, on a free port and without persistence: killing it loses everything."""

    def __init__(self, directory):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = directory
        self.process = None

    def start(self):
        import redis

        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.directory,
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def kill(self):
        self.process.kill()
        self.process.wait()


@pytest.fixture
def private_redis(real_services, tmp_path):
    if not shutil.which("redis-server"):
        require_service("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.kill()


class WorkerProcess:
    """`celery -A badgeportal worker` in a process group of its own, configured through the environment."""

    def __init__(self, args, env, log_path):
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(Path(sys.executable).parent / "celery"), "-A", "badgeportal", "worker", *args],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_until_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return
            if not self.is_alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"The worker did not start:\n{self.log()}")

    def is_alive(self):
        return self.process.poll() is None

    def kill(self):
        """SIGKILL the worker and its pool processes at once, as a crash or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@pytest.fixture
def use_redis(settings):
    """`use_redis(url)`: this process takes the Redis at `url` as its cache and Celery broker, as the web
    process of a site whose REDIS_URL it is would. Undone at the end of the test."""
    from badgeportal.celery import app

    previous = app.conf.broker_url

    def use(url):
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": url}}
        app.conf.broker_url = url
        _forget_broker_connections(app)

    yield use
    app.conf.broker_url = previous
    _forget_broker_connections(app)


def _forget_broker_connections(app):
    # The app keeps the connection and producer pools it built for the broker URL of the time.
    app._pool = None
    app.amqp._producer_pool = None


def _database_url():
    database = settings.DATABASES["default"]
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


@pytest.fixture
def worker_processes(real_services, tmp_path):
    """Start real worker processes on the test database: `start(*args, REDIS_URL=..., EMAIL_URL=..., ...)`.

    The tests that use it commit their data (`django_db(transaction=True)`) so the worker sees it. Every
    worker still running at the end is killed: what it leaves in the queue is a sweep, which carries no data.
    """
    from badgeportal.celery import app

    app.control.purge()
    started = []

    def start(*args, **env):
        worker_env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL, **env}
        log_path = tmp_path / f"worker-{len(started)}.log"
        # Mingle, gossip and heartbeats only slow the start of a worker that has no peers to talk to.
        quiet = ["--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO"]
        worker = WorkerProcess([*args, *quiet], {k: str(v) for k, v in worker_env.items()}, log_path)
        started.append(worker)
        worker.wait_until_ready()
        return worker

    yield start
    for worker in started:
        if worker.is_alive():
            worker.kill()


def eventually(check, timeout=30, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()
