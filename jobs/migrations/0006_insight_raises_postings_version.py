"""The stored market insight raises the postings version too, in the same transaction as its write.

The Jobs tab caches each certification's insight under the version (`jobs.views._insight`), as it does a
search's matches and its rendered results: a recomputed insight (each refresh writes one) is then shown at once,
and a page served from the cache reads no insight row.
"""

import importlib

from django.db import migrations

postings_version = importlib.import_module("jobs.migrations.0005_postingsversion")

VERSION = postings_version.VERSION
INSIGHT = "jobs_marketinsight"
EVENTS = ("insert", "update", "delete")


def _statements(vendor):
    if vendor == "postgresql":
        name = f"{VERSION}_insight"
        forward = [
            f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {INSIGHT} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {VERSION}_bump();"
        ]
        return forward, [f"DROP TRIGGER IF EXISTS {name} ON {INSIGHT};"]
    if vendor == "sqlite":
        names = [f"{VERSION}_{INSIGHT}_{event}" for event in EVENTS]
        forward = [
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {INSIGHT} FOR EACH ROW BEGIN {postings_version.BUMP} END;"
            for name, event in zip(names, EVENTS, strict=True)
        ]
        return forward, [f"DROP TRIGGER IF EXISTS {name};" for name in names]
    raise NotImplementedError(f"The postings version needs triggers written for {vendor}.")


def create_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor)[0]:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in _statements(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0005_postingsversion"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
