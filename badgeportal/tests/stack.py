"""The real stack for integration tests: PostgreSQL, Redis as broker, a Celery worker, an SMTP server and
S3-compatible storage (moto in server mode).

The root conftest loads this module as a plugin, so its fixtures (`real_services`, `smtp_inbox`,
`celery_worker_thread`) are there for every test; the helpers are imported.
"""

import json
import socket
import threading
import time
import uuid
from email import message_from_bytes, policy

import pytest
from django.conf import settings
from django.db import connection

from conftest import require_service
from outbox.models import OutboxEmail


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
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


def _free_port():
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


@pytest.fixture
def smtp_inbox(settings):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
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

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
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
