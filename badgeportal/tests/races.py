"""Make a race happen on purpose, on PostgreSQL.

A second connection holds a row (locked, or inserted and not yet committed) while requests pile up behind
it; once PostgreSQL shows them all waiting, the row is let go and they run into each other as truly
concurrent requests would, every time rather than one run in a hundred.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import psycopg
from django.db import connection, connections

from conftest import require_service


def _connect(**options):
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"], **options
    )


def require_postgresql():
    if connection.vendor != "postgresql":
        require_service("PostgreSQL: set DATABASE_URL=postgres://... (make test-integration does)")


def _waiting_on_locks():
    with _connect(autocommit=True) as watcher:
        return watcher.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()[0]


@contextmanager
def holding(sql, params=()):
    """Run `sql` in an open transaction, yield `wait_for(count)`, and commit on leaving."""
    with _connect() as holder:
        holder.execute(sql, params)

        def wait_for(count, timeout=30):
            deadline = time.monotonic() + timeout
            while _waiting_on_locks() < count:
                assert time.monotonic() < deadline, f"{count} requests never queued behind the held row"
                time.sleep(0.02)

        yield wait_for
        holder.commit()


def in_threads(*calls):
    """Start each call in its own thread (its own database connection); return their futures."""

    def run(call):
        try:
            return call()
        finally:
            connections.close_all()

    pool = ThreadPoolExecutor(len(calls))
    futures = [pool.submit(run, call) for call in calls]
    pool.shutdown(wait=False)
    return futures
