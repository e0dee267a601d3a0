"""The three job sources, and on PostgreSQL a GIN index for the Jobs tab's keyword search.

The index expression must stay identical to `jobs.search.posting_search_vector()` or the
planner will not use it.
"""

from django.db import migrations

INDEX_NAME = "job_posting_search"

SOURCES = [("bundled", 1440), ("usajobs", 360), ("adzuna", 360)]


def create_sources(apps, schema_editor):
    JobSource = apps.get_model("jobs", "JobSource")
    for name, interval in SOURCES:
        JobSource.objects.get_or_create(name=name, defaults={"interval_minutes": interval})


def _index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector("title", "employer", "description", config="english"), name=INDEX_NAME)


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("jobs", "JobPosting"), _index())


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("jobs", "JobPosting"), _index())


class Migration(migrations.Migration):
    dependencies = [("jobs", "0001_initial")]

    operations = [
        migrations.RunPython(create_sources, migrations.RunPython.noop),
        migrations.RunPython(add_search_index, remove_search_index),
    ]
