"""Public documents: one row per award, kept honest by triggers on every table a document shows."""

import django.db.models.deletion
from django.db import migrations, models


DOCUMENTS = "badges_publicdocument"
STALE = f"UPDATE {DOCUMENTS} SET generation = generation + 1, built_release = ''"
AWARDS_OF_TEMPLATES = "award_id IN (SELECT id FROM badges_award WHERE template_id IN ({}))"
TEMPLATES_OF_ISSUER = "SELECT id FROM badges_badgetemplate WHERE issuer_id = {row}.{column}"

# (table, events, the awards whose documents a changed row makes stale, with {row} for OLD or NEW). A row
# whose key could move (a link, a key) marks both the old and the new side.
WATCHED = [
    ("badges_award", "UPDATE", ["award_id = {row}.id"]),
    ("accounts_user", "UPDATE", ["award_id IN (SELECT id FROM badges_award WHERE earner_id = {row}.id)"]),
    ("badges_badgetemplate", "UPDATE", ["award_id IN (SELECT id FROM badges_award WHERE template_id = {row}.id)"]),
    ("badges_issuer", "UPDATE", [AWARDS_OF_TEMPLATES.format(TEMPLATES_OF_ISSUER.format(row="{row}", column="id"))]),
    (
        "badges_certification",
        "UPDATE",
        [AWARDS_OF_TEMPLATES.format("SELECT id FROM badges_badgetemplate WHERE certification_id = {row}.id")],
    ),
    (
        "badges_exam",
        "UPDATE",
        [
            AWARDS_OF_TEMPLATES.format(
                "SELECT id FROM badges_badgetemplate WHERE exam_id = {row}.id OR certification_id IN "
                "(SELECT certification_id FROM badges_exam_certifications WHERE exam_id = {row}.id)"
            )
        ],
    ),
    (
        "badges_exam_certifications",
        "INSERT OR UPDATE OR DELETE",
        [
            AWARDS_OF_TEMPLATES.format(
                "SELECT id FROM badges_badgetemplate WHERE certification_id = {row}.certification_id"
            )
        ],
    ),
    (
        "badges_issuerkey",
        "INSERT OR UPDATE OR DELETE",
        [AWARDS_OF_TEMPLATES.format(TEMPLATES_OF_ISSUER.format(row="{row}", column="issuer_id"))],
    ),
]
# PostgreSQL skips an update that changed nothing a document could show: a save that only moves
# `updated_at`, a sign-in that only moves `last_login`. Any other column, including one added later, counts.
PG_CHANGED = (
    "(to_jsonb(OLD) - 'updated_at' - 'last_login') IS DISTINCT FROM (to_jsonb(NEW) - 'updated_at' - 'last_login')"
)


def _rows(events):
    """The row names each event has: OLD on update and delete, NEW on insert and update."""
    return {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}[events]


def _statements(conditions, rows):
    return [f"{STALE} WHERE {condition.format(row=row)};" for condition in conditions for row in rows]


def _postgresql():
    forward, backward = [], []
    forward.append(
        f"CREATE FUNCTION {DOCUMENTS}_create() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO {DOCUMENTS} (award_id, public_id) VALUES (NEW.id, NEW.public_id); RETURN NULL; END $$;"
    )
    forward.append(
        f"CREATE TRIGGER {DOCUMENTS}_create AFTER INSERT ON badges_award "
        f"FOR EACH ROW EXECUTE FUNCTION {DOCUMENTS}_create();"
    )
    backward.append(f"DROP TRIGGER IF EXISTS {DOCUMENTS}_create ON badges_award;")
    backward.append(f"DROP FUNCTION IF EXISTS {DOCUMENTS}_create();")
    for table, events, conditions in WATCHED:
        for event in events.split(" OR "):
            name = f"{DOCUMENTS}_{table}_{event.lower()}"[:63]
            body = " ".join(_statements(conditions, _rows(event)))
            forward.append(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$;"
            )
            when = f" WHEN ({PG_CHANGED})" if event == "UPDATE" else ""
            forward.append(
                f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} EXECUTE FUNCTION {name}();"
            )
            backward.append(f"DROP TRIGGER IF EXISTS {name} ON {table};")
            backward.append(f"DROP FUNCTION IF EXISTS {name}();")
    return forward, backward


def _sqlite_columns(schema_editor, table):
    """SQLite has no row comparison: its update triggers name the columns they watch, all but the two a
    save moves without changing anything shown. A column added later is watched once a full save() sets it."""
    with schema_editor.connection.cursor() as cursor:
        columns = [row[1] for row in cursor.execute(f"PRAGMA table_info({table})").fetchall()]
    return ", ".join(f'"{column}"' for column in columns if column not in ("updated_at", "last_login"))


def _sqlite(schema_editor):
    forward = [
        f"CREATE TRIGGER {DOCUMENTS}_create AFTER INSERT ON badges_award FOR EACH ROW BEGIN "
        f"INSERT INTO {DOCUMENTS} (award_id, public_id) VALUES (NEW.id, NEW.public_id); END;"
    ]
    backward = [f"DROP TRIGGER IF EXISTS {DOCUMENTS}_create;"]
    for table, events, conditions in WATCHED:
        for event in events.split(" OR "):
            name = f"{DOCUMENTS}_{table}_{event.lower()}"
            body = " ".join(_statements(conditions, _rows(event)))
            of = f" OF {_sqlite_columns(schema_editor, table)}" if event == "UPDATE" else ""
            forward.append(f"CREATE TRIGGER {name} AFTER {event}{of} ON {table} FOR EACH ROW BEGIN {body} END;")
            backward.append(f"DROP TRIGGER IF EXISTS {name};")
    return forward, backward


def _triggers(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        return _postgresql()
    if vendor == "sqlite":
        return _sqlite(schema_editor)
    raise NotImplementedError(f"Public documents need triggers written for {vendor}.")


def create_triggers(apps, schema_editor):
    forward, _ = _triggers(schema_editor)
    for statement in forward:
        schema_editor.execute(statement, params=None)
    # Every award has its document row from the start; the first read (or `build_public_documents`) fills it.
    schema_editor.execute(
        f"INSERT INTO {DOCUMENTS} (award_id, public_id) SELECT id, public_id FROM badges_award", params=None
    )


def drop_triggers(apps, schema_editor):
    _, backward = _triggers(schema_editor)
    for statement in backward:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("badges", "0012_import_renew"),
        ("accounts", "0003_user_handle_headline_photo"),
    ]

    operations = [
        migrations.CreateModel(
            name="PublicDocument",
            fields=[
                (
                    "award",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="public_document",
                        serialize=False,
                        to="badges.award",
                    ),
                ),
                ("public_id", models.UUIDField(unique=True)),
                ("generation", models.BigIntegerField(db_default=0)),
                ("built_release", models.CharField(blank=True, db_default="", max_length=64)),
                ("visible", models.BooleanField(db_default=False)),
                ("revoked", models.BooleanField(db_default=False)),
                ("ob2_status", models.PositiveSmallIntegerField(db_default=0)),
                ("ob2_body", models.TextField(blank=True, db_default="")),
                ("ob3_status", models.PositiveSmallIntegerField(db_default=0)),
                ("ob3_body", models.TextField(blank=True, db_default="")),
                ("page", models.TextField(blank=True, db_default="")),
                ("page_until", models.DateField(blank=True, null=True)),
                ("image_name", models.CharField(blank=True, db_default="", max_length=100)),
                ("slug", models.CharField(blank=True, db_default="", max_length=255)),
            ],
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
