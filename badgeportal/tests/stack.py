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
import urllib.request
import uuid
from email import message_from_bytes, policy
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

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
        self._stalled = self._stall_requested = False
        self._mid_message = set()  # sessions whose recipient was accepted and whose client has not moved on
        self.holding = threading.Event()
        self._release = threading.Event()

    def hold(self, address, stall=False):
        """Keep the sender of the next RCPT TO `address` waiting, mid-send, until `release()`; it is then
        told to try again later (451), so that message is not accepted.

        With `stall`, every later recipient waits too, and `holding` is set only once no other sender is
        between a message the server accepted and its next command. A client moves on only after it recorded
        the send, so a sender killed then has nothing accepted that it did not record: with several senders,
        a kill without `stall` may land in that instant, the one window every SMTP client has."""
        self._held_address = address
        self._stalled = False
        self._stall_requested = stall

    def release(self):
        self._stalled = self._stall_requested = False
        self._release.set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.connections += 1
        session.number = self.connections
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        self._moved_on(session)
        if self.down_from_connection and session.number >= self.down_from_connection:
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RSET(self, server, session, envelope):
        self._moved_on(session)
        return "250 OK"

    async def handle_QUIT(self, server, session, envelope):
        self._moved_on(session)
        return "221 Bye"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        if address == self._held_address or self._stalled:
            self._held_address = None
            self._stalled = self._stall_requested
            self._note_holding()
            await asyncio.get_running_loop().run_in_executor(None, self._release.wait)
            return "451 4.3.0 Try again later"
        self._mid_message.add(session)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def _moved_on(self, session):
        self._mid_message.discard(session)
        if self._stalled:
            self._note_holding()

    def _note_holding(self):
        if not (self._stalled and self._mid_message):
            self.holding.set()

    async def handle_DATA(self, server, session, envelope):
        session.messages = getattr(session, "messages", 0) + 1
        if self.messages_per_connection and session.messages > self.messages_per_connection:
            self._moved_on(session)
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


class S3Bucket:
    """A fresh bucket on the local S3 server, readable by anyone under the public prefixes, as the README asks
    of a media bucket."""

    CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}

    def __init__(self, endpoint):
        import boto3

        self.endpoint = endpoint
        self.name = f"media-{uuid.uuid4().hex[:12]}"
        self.url = f"{endpoint}/{self.name}"
        self.client = boto3.client("s3", endpoint_url=endpoint, **self.CREDENTIALS)
        self.client.create_bucket(Bucket=self.name)
        self.client.put_bucket_policy(Bucket=self.name, Policy=json.dumps(public_read_policy(self.name)))

    def storage(self):
        """The media storage settings of this process, as S3_BUCKET and its companions make them."""
        return {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": self.name,
                "endpoint_url": self.endpoint,
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "querystring_auth": False,
                "file_overwrite": False,
            },
        }

    def environment(self):
        """The variables that give a process of the site this bucket as its media storage (`.env.example`)."""
        return {
            "S3_BUCKET": self.name,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_ACCESS_KEY_ID": "test",
            "S3_SECRET_ACCESS_KEY": "test",
            "S3_REGION": "us-east-1",
        }

    def read(self, key):
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def s3_bucket(s3_server, settings):
    """Media in a fresh bucket on the local S3 server, configured as production configures it."""
    bucket = S3Bucket(s3_server)
    settings.STORAGES = {**settings.STORAGES, "default": bucket.storage()}
    return bucket


@pytest.fixture
def s3_storage(s3_bucket):
    """The media bucket's public URL (see `s3_bucket`)."""
    return s3_bucket.url


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


class ServiceProcess:
    """A process of the site (a worker, the beat, a web server) in a process group of its own, configured
    through the environment, writing its output to `log_path`."""

    def __init__(self, command, env, log_path):
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self):
        return self.log_path.read_text(errors="replace")

    def is_alive(self):
        return self.process.poll() is None

    def ready(self):
        raise NotImplementedError

    def wait_until_ready(self, timeout=90):
        # Generous: several processes import Django at once on a loaded machine.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready():
                return self
            if not self.is_alive():
                break
            time.sleep(0.1)
        raise AssertionError(f"{type(self).__name__} did not start:\n{self.log()}")

    def kill(self):
        """SIGKILL the process and its children at once, as a crash or the OOM killer would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self, timeout=30):
        """SIGTERM, as systemd stops a unit; SIGKILL whatever is still running after `timeout`."""
        if not self.is_alive():
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def _celery(*args):
    return [str(Path(sys.executable).parent / "celery"), "-A", "badgeportal", *args]


class WorkerProcess(ServiceProcess):
    """`celery -A badgeportal worker`."""

    def __init__(self, args, env, log_path):
        super().__init__(_celery("worker", *args), env, log_path)

    def ready(self):
        return " ready." in self.log()


class BeatProcess(ServiceProcess):
    """`celery -A badgeportal beat` with its schedule file in `directory`."""

    def __init__(self, args, env, log_path, directory):
        schedule = directory / f"{log_path.stem}-schedule"
        super().__init__(_celery("beat", f"--schedule={schedule}", "--loglevel=INFO", *args), env, log_path)

    def ready(self):
        return "beat: Starting..." in self.log()


class WebProcess(ServiceProcess):
    """gunicorn serving the site on 127.0.0.1:`port` with `workers` sync workers, as `badgeportal-web` runs it."""

    def __init__(self, port, env, log_path, workers=2):
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        command = [gunicorn, "badgeportal.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
        super().__init__([*command, "--log-level", "warning"], env, log_path)
        self.url = f"http://127.0.0.1:{port}"

    def ready(self):
        try:
            with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310 (our server)
                return response.status == 200
        except OSError:
            return False


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
    """The test database, as a DATABASE_URL for the processes the test starts."""
    database = connection.settings_dict
    password = f":{quote(database['PASSWORD'], safe='')}" if database["PASSWORD"] else ""
    host, port = database["HOST"] or "127.0.0.1", database["PORT"] or 5432
    return f"postgres://{database['USER']}{password}@{host}:{port}/{database['NAME']}"


def service_environment(**overrides):
    """The environment of a process of the site under test: this test's database and Redis, then `overrides`."""
    env = {**os.environ, "DATABASE_URL": _database_url(), "REDIS_URL": settings.REDIS_URL, **overrides}
    return {name: str(value) for name, value in env.items()}


# A beat (embedded in a worker with --beat, or on its own) killed at the end of a test leaves its lock in Redis
# (badgeportal/beat.py) for BEAT_LOCK_SECONDS: 2 seconds, not 30, before the next test's beat may run.
TEST_BEAT = {"BEAT_LOCK_SECONDS": 2}


@pytest.fixture
def worker_processes(real_services, tmp_path):
    """Start real worker processes on the test database: `start(*args, REDIS_URL=..., EMAIL_URL=..., ...)`;
    `wait=False` returns at once (call `wait_until_ready()`), to start several side by side.

    The tests that use it commit their data (`django_db(transaction=True)`) so the worker sees it. Every
    worker still running at the end is killed: what it leaves in the queue is a sweep, which carries no data.
    """
    from badgeportal.celery import app

    app.control.purge()
    started = []

    def start(*args, wait=True, **env):
        log_path = tmp_path / f"worker-{len(started)}.log"
        # Mingle, gossip and heartbeats only slow the start of a worker that has no peers to talk to.
        quiet = ["--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO"]
        worker = WorkerProcess([*args, *quiet], service_environment(**{**TEST_BEAT, **env}), log_path)
        started.append(worker)
        if wait:
            worker.wait_until_ready()
        return worker

    yield start
    for worker in started:
        if worker.is_alive():
            worker.kill()


@pytest.fixture
def beat_processes(real_services, tmp_path):
    """Start real beat processes (`celery beat`) on the test database: `start(*args, OUTBOX_SWEEP_SECONDS=..., ...)`."""
    started = []

    def start(*args, wait=True, **env):
        env = service_environment(**{**TEST_BEAT, **env})
        beat = BeatProcess(list(args), env, tmp_path / f"beat-{len(started)}.log", tmp_path)
        started.append(beat)
        if wait:
            beat.wait_until_ready()
        return beat

    yield start
    for beat in started:
        if beat.is_alive():
            beat.kill()


@pytest.fixture
def web_processes(real_services, tmp_path):
    """Start gunicorn serving the site from the test database on a free port: `start(workers=2, **env)`.

    `DEBUG` defaults to on, so that pages find their static files without `collectstatic`.
    """
    started = []

    def start(workers=2, wait=True, **env):
        port = free_port()
        env = service_environment(**{"DEBUG": "True", "SITE_URL": f"http://127.0.0.1:{port}", **env})
        web = WebProcess(port, env, tmp_path / f"web-{len(started)}.log", workers=workers)
        started.append(web)
        if wait:
            web.wait_until_ready()
        return web

    yield start
    for web in started:
        web.stop(timeout=10)


class _FormReader(HTMLParser):
    def __init__(self, form_id, action):
        super().__init__()
        self.form_id, self.action = form_id, action
        self.fields = {}
        self.form_action = ""
        self.found = self.done = False
        self._select = self._textarea = None

    def _wanted(self, attrs):
        if self.form_id is not None:
            return attrs.get("id") == self.form_id
        return self.action is None or self.action in (attrs.get("action") or "")

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.found and self._wanted(attrs):
            self.found = True
            self.form_action = attrs.get("action") or ""
            return
        if not self.found or self.done:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value") or ("on" if kind in ("checkbox", "radio") else "")
        elif tag == "select" and name:
            self._select = name
            self.fields[name] = ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form" and self.found:
            self.done = True
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and not self.done:
            # A browser drops the newline that follows <textarea>.
            text = data[1:] if not self.fields[self._textarea] and data.startswith("\n") else data
            self.fields[self._textarea] += text


def read_form(html, *, form_id=None, action=None):
    """A page's form (the one with `form_id`, or the first whose action holds `action`) as `(action, fields)`:
    where it is sent (empty: the page's own address) and what a browser would send from it left as it is, its
    hidden fields (the CSRF token among them), filled-in values, checked boxes and selected options. Files and
    buttons are the caller's to add."""
    reader = _FormReader(form_id, action)
    reader.feed(html)
    if not reader.found:
        raise AssertionError(f"No form {form_id or action or ''} on the page:\n{html[:2000]}")
    return reader.form_action, reader.fields


def eventually(check, timeout=30, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(interval)
    return check()
