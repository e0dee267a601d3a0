"""A version of the postings, raised by triggers in the same transaction as any change to them.

The Jobs tab caches a search's matches under it (`jobs.search.cached_match_rows`). Every statement that
inserts, deletes or truncates postings or their certification links raises it, and so does an update that
changes anything but `apply_clicks` (counting a click must not throw the cached searches away).
"""

from django.db import migrations, models

VERSION = "jobs_postingsversion"
BUMP = f"UPDATE {VERSION} SET value = value + 1 WHERE id = 1;"
POSTINGS = "jobs_jobposting"
LINKS = "jobs_jobposting_certifications"
# Columns an update may change without changing what any search or list shows.
UNWATCHED = ("apply_clicks",)


def _postgresql():
    unwatched = "".join(f" - '{column}'" for column in UNWATCHED)
    forward = [
        f"CREATE FUNCTION {VERSION}_bump() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {BUMP} RETURN NULL; END $$;",
        f"CREATE FUNCTION {VERSION}_bump_on_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF EXISTS (SELECT 1 FROM changed_old o JOIN changed_new n ON n.id = o.id "
        f"WHERE (to_jsonb(o){unwatched}) IS DISTINCT FROM (to_jsonb(n){unwatched})) THEN {BUMP} END IF; "
        f"RETURN NULL; END $$;",
        # Statement-level: a refresh that writes 100,000 rows raises the version once per statement.
        f"CREATE TRIGGER {VERSION}_postings AFTER INSERT OR DELETE OR TRUNCATE ON {POSTINGS} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {VERSION}_bump();",
        f"CREATE TRIGGER {VERSION}_postings_update AFTER UPDATE ON {POSTINGS} "
        f"REFERENCING OLD TABLE AS changed_old NEW TABLE AS changed_new "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {VERSION}_bump_on_change();",
        f"CREATE TRIGGER {VERSION}_links AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {LINKS} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {VERSION}_bump();",
    ]
    backward = [
        f"DROP TRIGGER IF EXISTS {VERSION}_links ON {LINKS};",
        f"DROP TRIGGER IF EXISTS {VERSION}_postings_update ON {POSTINGS};",
        f"DROP TRIGGER IF EXISTS {VERSION}_postings ON {POSTINGS};",
        f"DROP FUNCTION IF EXISTS {VERSION}_bump_on_change();",
        f"DROP FUNCTION IF EXISTS {VERSION}_bump();",
    ]
    return forward, backward


def _sqlite(schema_editor):
    """SQLite has only row triggers, and no row comparison: its update trigger names the watched columns."""
    with schema_editor.connection.cursor() as cursor:
        columns = [row[1] for row in cursor.execute(f"PRAGMA table_info({POSTINGS})").fetchall()]
    watched = ", ".join(f'"{column}"' for column in columns if column not in UNWATCHED)
    forward, backward = [], []
    for table, event in [(POSTINGS, "INSERT"), (POSTINGS, f"UPDATE OF {watched}"), (POSTINGS, "DELETE")] + [
        (LINKS, event) for event in ("INSERT", "UPDATE", "DELETE")
    ]:
        name = f"{VERSION}_{table}_{event.split()[0].lower()}"
        forward.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW BEGIN {BUMP} END;")
        backward.append(f"DROP TRIGGER IF EXISTS {name};")
    return forward, backward


def _triggers(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return _postgresql()
    if vendor == "sqlite":
        return _sqlite(schema_editor)
    raise NotImplementedError(f"The postings version needs triggers written for {vendor}.")


def create_triggers(apps, schema_editor):
    schema_editor.execute(f"INSERT INTO {VERSION} (id, value) VALUES (1, 0);", params=None)
    for statement in _triggers(schema_editor)[0]:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    for statement in _triggers(schema_editor)[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0004_marketsalary_plural"),
    ]

    operations = [
        migrations.CreateModel(
            name="PostingsVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={"verbose_name": "postings version"},
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
