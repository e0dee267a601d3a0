"""`InLines`: `field IN (many texts)` as one parameter on PostgreSQL, for the bulk paths' lookups.

Django writes `__in` as one placeholder per value, and psycopg quotes each value into the statement on the
client; for a batch's thousands of addresses that costs more than the query. On PostgreSQL the values go as
one newline-joined text the server splits (`= ANY(string_to_array(...))`); elsewhere as a plain `IN`.
Use it directly in `filter()`: `Award.objects.filter(InLines(F("recipient_email"), emails))`.
"""

from django.db.models import Lookup
from django.db.models.lookups import In


class InLines(Lookup):
    lookup_name = "in_lines"
    prepare_rhs = False

    def __init__(self, lhs, values):
        values = sorted(set(values))
        if any("\n" in value for value in values):
            raise ValueError("InLines values cannot hold a newline: it separates them")
        super().__init__(lhs, values)

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql" or not self.rhs:
            return In(self.lhs, self.rhs).as_sql(compiler, connection)
        lhs_sql, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs_sql} = ANY(string_to_array(%s, E'\\n'))", (*lhs_params, "\n".join(self.rhs))
