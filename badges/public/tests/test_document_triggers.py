"""The triggers that keep stored public documents honest exist once every migration has run.

SQLite rebuilds a table for many schema changes (a column altered, a constraint added), and a rebuilt
table loses its triggers without a word: a later migration on `badges_award` or `accounts_user` would leave
documents stale after a change. This fails first; such a migration must create the triggers again.
"""

import importlib

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

migration = importlib.import_module("badges.migrations.0013_public_documents")


def _expected_triggers():
    names = {f"{migration.DOCUMENTS}_create"}
    for table, events, _ in migration.WATCHED:
        for event in events.split(" OR "):
            name = f"{migration.DOCUMENTS}_{table}_{event.lower()}"
            names.add(name[:63] if connection.vendor == "postgresql" else name)
    return names


def _existing_triggers():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def test_every_document_trigger_survives_the_later_migrations():
    missing = _expected_triggers() - _existing_triggers()

    assert not missing, f"Triggers lost after migration 0013: {sorted(missing)}"


def test_a_new_award_gets_its_document_row():
    from badges.tests.factories import AwardFactory

    award = AwardFactory()

    assert award.public_document.public_id == award.public_id
