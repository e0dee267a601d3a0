"""A median the database computes: PostgreSQL's PERCENTILE_CONT, and the same as a SQLite aggregate function
registered on each SQLite connection (the demo and the unit tests)."""

import statistics

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, DurationField
from django.dispatch import receiver

SQLITE_MEDIAN = "badgeportal_median"


class Median(Aggregate):
    name = "Median"
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = DurationField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function=SQLITE_MEDIAN, template="%(function)s(%(expressions)s)", **extra_context
        )


class _SQLiteMedian:
    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(value)

    def finalize(self):
        return statistics.median(self.values) if self.values else None


@receiver(connection_created)
def _register_sqlite_median(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_MEDIAN, 1, _SQLiteMedian)
