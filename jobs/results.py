"""The Jobs tab's results (headings and counts, the cards, pagination, attribution), rendered once and shared.

Loading a page's 20 rows and rendering their cards was the largest part of the page's CPU left (bench/README.md,
"Jobs tab"). What the results show is a function of the postings, which the postings version covers (see
`jobs.search.cached_match_rows`), and of the page's state: its ids in order, the counts, the split by age, the
query strings of its links and JOBS_FRESH_DAYS. The key holds all of that state itself rather than what it was
worked out from: the split by age moves with the clock, and when it moves a posting from one part to the other
the ids or counts change, and with them the key. Whatever changes what the results show changes the key.

Four things in them are the earner's own: whether each posting is saved (the save form's action and the
button's word), the CSRF field and `next` (the page's own path, which holds the award's id). The results are
rendered without the request, with a slot in each of those places, and the slots are filled per request from
the earner's saved postings on the page (one query) and the request: a cached rendering holds nothing of the
earner who happened to render it. A slot is marked by a token drawn at random for each rendering, so no text of
a posting can pass for one.
"""

import functools
import hashlib
import json
import re
import secrets
from copy import copy

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.backends.utils import csrf_input
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix
from django.utils.html import escape
from django.utils.safestring import mark_safe

from .cards import attribution, card_paths, card_postings, card_texts, saved_toggle
from .models import SavedJob

TEMPLATE = "jobs/_results.html"
# Every template the results are rendered from: a change to any of them changes the key, so a deploy never
# serves what the code before it rendered.
TEMPLATES = (TEMPLATE, "jobs/_postings.html", "jobs/_pagination.html", "jobs/_attribution_postings.html")
# What the view works out of the page besides its ids, counts and number, all of it shown in the results.
STATE = ("show_older", "older_asked", "has_older", "older_first", "older_last", "query", "older_query", "current_query")


@functools.cache
def _templates_digest():
    return hashlib.sha256("\0".join(get_template(name).template.source for name in TEMPLATES).encode()).hexdigest()


def results_key(version, page, listing):
    """The cache key of the results of `page` (its object_list the ids shown) under the postings' `version`."""
    state = {
        "ids": page.object_list,
        "number": page.number,
        "per_page": page.paginator.per_page,
        "count": page.paginator.count,
        "more_than_counted": page.more_than_counted,
        **{name: listing.get(name) for name in STATE},
        "fresh_days": settings.JOBS_FRESH_DAYS,
        "script_prefix": get_script_prefix(),
        "templates": _templates_digest(),
    }
    digest = hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()
    return f"jobs:results:{version}:{digest}"


def results_html(request, *, version, page, listing, search):
    """The results of `page` for the signed-in earner.

    `page.object_list` holds the ids shown, `listing` the state the view worked out (`STATE`), `search()` returns
    the search's queryset; it is called, and the page's rows read, only when the results are not cached.
    `version` is the postings' version, None when its row is missing: then nothing is cached.
    """
    ids = page.object_list
    key = results_key(version, page, listing) if version is not None else None
    rendered = cache.get(key) if key else None
    if rendered is None:
        cards = list(card_postings(search(), request.user).filter(pk__in=ids)) if ids else []
        saved = {posting.pk for posting in cards if posting.is_saved}
        rendered = _render(page, listing, cards)
        if key:
            cache.set(key, rendered, settings.JOBS_SEARCH_CACHE_SECONDS)
    else:
        saved = _saved_among(request.user, ids)
    return _filled(rendered, request, saved)


def _saved_among(user, ids):
    """Which of the postings `ids` `user` has saved: one query on the (user, posting) unique index, written out
    because building it through the ORM cost four times its own ~0.1 ms on a page served from the cache."""
    if not ids:
        return set()
    table = connection.ops.quote_name(SavedJob._meta.db_table)
    user_column, posting_column = (SavedJob._meta.get_field(name).column for name in ("user", "posting"))
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {posting_column} FROM {table} WHERE {user_column} = %s AND {posting_column} IN ({placeholders})",  # noqa: S608 (names from the model, values bound)
            [user.pk, *ids],
        )
        return {row[0] for row in cursor.fetchall()}


def _render(page, listing, cards):
    """(texts, slots): the results rendered with no earner in them, cut at each slot."""
    token = secrets.token_hex(8)

    def slot(kind, pk=""):
        return f"slot{token}_{kind}_{pk}_"

    apply_path, _, _ = card_paths()
    card_texts(cards, apply_path)
    for card in cards:
        card.card_toggle_path, card.card_toggle_label = slot("toggle", card.pk), slot("label", card.pk)
    shown = copy(page)
    shown.object_list = cards
    context = {
        **{name: listing.get(name) for name in STATE},
        "fresh_days": settings.JOBS_FRESH_DAYS,
        "page": shown,
        "csrf_field": slot("csrf"),
        "here": slot("here"),
        **attribution(cards),
    }
    parts = re.split(rf"slot{token}_([a-z]+)_(\d*)_", render_to_string(TEMPLATE, context))
    return parts[0::3], [(kind, int(pk) if pk else None) for kind, pk in zip(parts[1::3], parts[2::3], strict=True)]


def _filled(rendered, request, saved):
    """The rendering with the slots filled for this request's earner, who has saved the postings `saved`."""
    texts, slots = rendered
    if not slots:
        return mark_safe(texts[0])  # noqa: S308 (rendered by the template engine, escaped there)
    _, save_path, unsave_path = card_paths()
    shared = {"csrf": str(csrf_input(request)), "here": escape(request.get_full_path())}
    out = [texts[0]]
    for (kind, pk), text in zip(slots, texts[1:], strict=True):
        if kind in shared:
            out.append(shared[kind])
        else:
            path, label = saved_toggle(save_path, unsave_path, pk, pk in saved)
            out.append(escape(path) if kind == "toggle" else label)
        out.append(text)
    return mark_safe("".join(out))  # noqa: S308 (template output and values escaped above)
