"""What a load balancer and an operator ask of a node: is each service it needs reachable?

Each check returns None when all is well, or a short reason. `/readyz` and `manage.py check_services`
run the same checks; neither waits long for a service that does not answer.
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

# How long a check may wait for the broker; the load balancer's own timeout is longer.
BROKER_TIMEOUT = 2


def _database():
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _migrations():
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        return f"{len(unapplied)} migration(s) not applied"
    return None


def _cache():
    probe = f"readyz:{uuid.uuid4().hex}"
    cache.set(probe, "1", 10)
    found = cache.get(probe)
    cache.delete(probe)
    return None if found == "1" else "a value written to the cache could not be read back"


def _broker():
    if not settings.REDIS_URL:
        return None  # tasks run in-process: there is no broker to reach
    from badgeportal.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    return None


def _storage():
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            return None if handle.read() == b"ok" else "a file written to storage read back differently"
    finally:
        default_storage.delete(name)


CHECKS = {
    "database": _database,
    "migrations": _migrations,
    "cache": _cache,
    "broker": _broker,
    "storage": _storage,
}


def run_checks():
    """{name: None or the reason it failed}, for every check."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # noqa: BLE001  (any failure of a dependency is a "not ready")
            results[name] = f"{type(error).__name__}: {error}"[:300]
    return results
