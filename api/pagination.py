"""Keyset (cursor) pagination: each page continues after the last row of the one before, by (updated_at, id).

Rows inserted while a client pages arrive after every row it has not seen yet, so none is skipped or seen
twice; a row changed meanwhile moves to the end and is seen again, changed, which a sync wants. The cursor
is signed: a client cannot forge one that skips the issuer scope (it only carries a position anyway).
"""

from datetime import datetime

from django.core import signing
from django.db.models import Q
from rest_framework import exceptions
from rest_framework.utils.urls import replace_query_param

SALT = "api.cursor"
DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class InvalidCursor(exceptions.ParseError):
    default_code = "invalid_cursor"
    default_detail = "This cursor is not one we gave out; start again without it."


def page_limit(value):
    if value in (None, ""):
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_LIMIT:
        raise exceptions.ValidationError({"limit": [f"A whole number from 1 to {MAX_LIMIT}."]}, code="invalid")
    return limit


def keyset_page(request, queryset, *, by_time=None):
    """(rows, next_url): one page of `queryset` ordered by (`by_time`, pk), or by pk alone."""
    limit = page_limit(request.query_params.get("limit"))
    order = [by_time, "pk"] if by_time else ["pk"]
    cursor = request.query_params.get("cursor")
    if cursor:
        queryset = queryset.filter(_after(cursor, by_time))
    rows = list(queryset.order_by(*order)[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    position = {"i": last.pk}
    if by_time:
        position["t"] = getattr(last, by_time).isoformat()
    next_url = replace_query_param(request.build_absolute_uri(), "cursor", signing.dumps(position, salt=SALT))
    return rows, next_url


def _after(cursor, by_time):
    try:
        position = signing.loads(cursor, salt=SALT)
        pk = int(position["i"])
        moment = datetime.fromisoformat(position["t"]) if by_time else None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise InvalidCursor() from None
    if by_time is None:
        return Q(pk__gt=pk)
    return Q(**{f"{by_time}__gt": moment}) | Q(**{by_time: moment, "pk__gt": pk})
