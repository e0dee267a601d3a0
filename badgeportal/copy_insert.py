"""INSERT many rows through PostgreSQL's COPY: the bulk paths (an award import, its claim emails) at volume.

`bulk_create` spends most of its time compiling the INSERT in Python (every value of every row goes through
the field's preparation and the SQL compiler); COPY streams the rows, adapted by psycopg, in one statement.
Other databases (SQLite in the demo and the unit tests) use `bulk_create`.
"""

import json
import time

from django.db import connections, router
from django.db.models import FileField
from django.db.models.base import ModelState

NULL = "\\N"


def _escape(text):
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _text(value):
    return NULL if value is None else _escape(value)


def _number(value):
    return NULL if value is None else str(value)


def _iso(value):
    return NULL if value is None else value.isoformat()


def _boolean(value):
    return NULL if value is None else ("t" if value else "f")


def _json(field):
    return lambda value: NULL if value is None else _escape(json.dumps(value, cls=field.encoder))


# Each field type's value as COPY's text format writes it.
TEXT_FORMATS = {
    **dict.fromkeys(["CharField", "EmailField", "GenericIPAddressField", "SlugField", "TextField", "URLField"], _text),
    **dict.fromkeys(
        [
            "AutoField",
            "BigAutoField",
            "BigIntegerField",
            "ForeignKey",
            "IntegerField",
            "PositiveIntegerField",
            "PositiveSmallIntegerField",
            "SmallIntegerField",
            "UUIDField",
        ],
        _number,
    ),  # fmt: skip
    "DateField": _iso,
    "DateTimeField": _iso,
    "BooleanField": _boolean,
}


def _text_format(field):
    if field.get_internal_type() == "JSONField":
        return _json(field)
    try:
        return TEXT_FORMATS[field.get_internal_type()]
    except KeyError:
        raise TypeError(f"copy_insert cannot write {field.get_internal_type()} ({field}); use bulk_create") from None


def supports_copy(model):
    return connections[router.db_for_write(model)].vendor == "postgresql"


def ids_reserve(model, count):
    """`count` new primary keys from the table's sequence, in one query (rows then carry their ids)."""
    connection = connections[router.db_for_write(model)]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def bulk_insert(model, objs, *, ids=True):
    """Write the unsaved instances `objs` and return them as a list: through COPY on PostgreSQL, `bulk_create`
    elsewhere. With `ids`, each carries its id (reserved from the sequence first: one query more)."""
    objs = list(objs)
    if not supports_copy(model):
        return model.objects.bulk_create(objs, batch_size=1000)
    if ids:
        for obj, pk in zip(objs, ids_reserve(model, len(objs)), strict=True):
            obj.pk = pk
    copy_insert(model, objs)
    return objs


def copy_insert(model, objs):
    """Write the unsaved instances `objs` with one COPY (ids included when set, else the sequence's)."""
    if not objs:
        return
    connection = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and getattr(objs[0], f.attname) is None)]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                field.pre_save(obj, add=True)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    formats = [_text_format(field) for field in fields]
    started = time.monotonic()
    connection.ensure_connection()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        # COPY's text format written here: psycopg's write_row adapts value by value, several times slower.
        attnames = [field.attname for field in fields]
        lines = []
        for obj in objs:
            values = obj.__dict__
            lines.append("\t".join([fmt(values[name]) for name, fmt in zip(attnames, formats, strict=True)]))
            if len(lines) == 1000:
                copy.write("\n".join(lines) + "\n")
                lines = []
        if lines:
            copy.write("\n".join(lines) + "\n")
    if connection.queries_logged:
        # Counted like any other query (django_assert_num_queries, the debug toolbar).
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(objs)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def new_instances(model, rows):
    """Unsaved instances of `model` from dicts of attribute values, the others at their defaults.

    Positional construction with the defaults worked out once: keyword construction costs several times
    more, and at 100,000 rows that is seconds.
    """
    fields = model._meta.concrete_fields
    if any(isinstance(field, FileField) for field in fields):
        raise TypeError(f"{model.__name__} has file fields, which set themselves up on post_init: use bulk_create")
    constant, per_row = {}, {}
    for field in fields:
        if field.has_default() and callable(field.default):
            per_row[field.attname] = field.default
        else:
            constant[field.attname] = field.get_default()
    attnames = [field.attname for field in fields]
    instances = []
    for row in rows:
        values = {}
        for attname in attnames:
            if attname in row:
                values[attname] = row[attname]
            elif attname in per_row:
                values[attname] = per_row[attname]()
            else:
                values[attname] = constant[attname]
        # What `Model.__init__` does with positional values, without its pre_init/post_init signals: only
        # image fields listen to those, and the models written in bulk have none (checked below).
        instance = model.__new__(model)
        instance._state = ModelState()
        instance.__dict__.update(values)
        instances.append(instance)
    return instances
