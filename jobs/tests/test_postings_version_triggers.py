"""The triggers that raise the postings version (migrations/0005 and 0006) exist once every migration has run, and watch
every column a search or a card reads.

SQLite rebuilds a table for many schema changes and a rebuilt table loses its triggers without a word; its
update trigger also names the columns it watches, so a column added later is not watched. Either would leave
the Jobs tab listing cached matches after a change: this fails first, and such a migration must create the
triggers again.
"""

import importlib

import pytest
from django.db import connection

from jobs.models import JobPosting

pytestmark = pytest.mark.django_db

migration = importlib.import_module("jobs.migrations.0005_postingsversion")
insight_migration = importlib.import_module("jobs.migrations.0006_insight_raises_postings_version")


def _triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return {name: sql for name, sql in cursor.fetchall() if name.startswith(migration.VERSION)}


def test_the_version_triggers_survive_the_later_migrations():
    if connection.vendor == "postgresql":
        expected = {
            f"{migration.VERSION}_postings",
            f"{migration.VERSION}_postings_update",
            f"{migration.VERSION}_links",
            f"{migration.VERSION}_insight",
        }
    else:
        expected = {
            f"{migration.VERSION}_{table}_{event}"
            for table in (migration.POSTINGS, migration.LINKS, insight_migration.INSIGHT)
            for event in ("insert", "update", "delete")
        }

    assert expected <= set(_triggers())


def test_an_update_of_any_column_but_the_click_count_raises_the_version():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL compares whole rows: every column is watched")
    update = _triggers()[f"{migration.VERSION}_{migration.POSTINGS}_update"]
    columns = {field.column for field in JobPosting._meta.concrete_fields} - set(migration.UNWATCHED)

    assert [column for column in sorted(columns) if f'"{column}"' not in update] == []
