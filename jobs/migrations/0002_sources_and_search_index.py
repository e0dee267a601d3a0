"""The three job sources, and on PostgreSQL what makes the Jobs tab's filters fast.

- `search_document`: a stored generated tsvector over title, employer and description, with a GIN
  index. Stored rather than a functional index so that rechecking a match never re-parses text.
  The model does not declare it (SQLite has no tsvector); `jobs.search` queries it by name.
- a trigram GIN index on UPPER(locations), the expression Django's `icontains` compares, so
  that "location contains ..." does not read every posting.
- partial indexes over open postings in the two sort orders, NULLS LAST included (a plain
  descending index puts NULLs first and could not serve them): a broad search reads the first
  page straight off the index instead of sorting every match.
"""

from django.db import migrations

SOURCES = [("bundled", 1440), ("usajobs", 360), ("adzuna", 360)]

POSTGRES_FORWARD = [
    """ALTER TABLE jobs_jobposting ADD COLUMN search_document tsvector GENERATED ALWAYS AS (
        to_tsvector('english'::regconfig,
            coalesce(title, '') || ' ' || coalesce(employer, '') || ' ' || coalesce(description, ''))
    ) STORED""",
    "CREATE INDEX job_posting_search ON jobs_jobposting USING gin (search_document)",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX job_posting_location_trgm ON jobs_jobposting USING gin (UPPER(locations) gin_trgm_ops)",
    """CREATE INDEX job_posting_open_newest ON jobs_jobposting (posted_on DESC NULLS LAST, id DESC)
        WHERE status = 'open'""",
    """CREATE INDEX job_posting_open_best_paid
        ON jobs_jobposting (annual_salary_max DESC NULLS LAST, posted_on DESC NULLS LAST, id DESC)
        WHERE status = 'open'""",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS job_posting_open_best_paid",
    "DROP INDEX IF EXISTS job_posting_open_newest",
    "DROP INDEX IF EXISTS job_posting_location_trgm",
    "DROP INDEX IF EXISTS job_posting_search",
    "ALTER TABLE jobs_jobposting DROP COLUMN IF EXISTS search_document",
]


def create_sources(apps, schema_editor):
    JobSource = apps.get_model("jobs", "JobSource")
    for name, interval in SOURCES:
        JobSource.objects.get_or_create(name=name, defaults={"interval_minutes": interval})


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [
        migrations.RunPython(create_sources, migrations.RunPython.noop),
        migrations.RunPython(_on_postgres(POSTGRES_FORWARD), _on_postgres(POSTGRES_BACKWARD)),
    ]
