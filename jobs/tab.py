"""The Jobs tab's content (jobs/_tab.html: the badge's name and tabs, the search form, the results, the market
insight), rendered once and shared by every earner who asks the same thing.

Loading a page's 20 rows and rendering the page was most of its CPU (bench/README.md, "Jobs tab"). What the
content shows is a function of the postings and the stored insight, which the postings version covers (see
`jobs.search.cached_match_rows` and migrations/0006), of the badge's name and certifications, of the query
string (the form, the page's links), and of the split by age, which moves with the clock. Two keys, by the size
of the search:

- up to COUNT_CAP matches (most searches): the version and what the request asks (`asked_key`), known before
  anything is read, so a page served from the cache costs one cache read. The split is then the one thing the
  key does not cover: the entry holds the instant it next changes, worked out from the matches when the page is
  rendered (`jobs.search.next_split_change`), and is served only before it;
- a broader search, split by the database: the version, what the request asks and the page's state (its ids in
  order, the counts and the split), worked out per request as before (`state_key`): when the clock moves a
  posting from one part to the other, the ids or counts change and with them the key.

Five things in the content are the earner's own: the award's id (in its links), whether each posting is saved
(the save form's action and the button's word), the CSRF field and `next` (the page's own path). The content is
rendered without the request and without the award, from a stand-in holding only the badge's name and a
placeholder id, with a slot in each of those places; the slots are filled per request from the earner's saved
postings on the page (one query) and the request. A shared rendering holds nothing of the earner who happened to
render it. Slots are marked by a token drawn at random for each rendering, so no text of a posting can pass for
one.
"""

import functools
import hashlib
import json
import re
import secrets
import uuid
from copy import copy
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.template.backends.utils import csrf_input
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from badges.models import Award

from . import search as postings_search
from .cards import attribution, card_paths, card_postings, card_texts, saved_toggle
from .insight import cached_market_insight
from .models import SavedJob
from .search import next_split_change

TEMPLATE = "jobs/_tab.html"
# Every template the content is rendered from: a change to any of them changes the key, so a deploy never serves
# what the code before it rendered.
TEMPLATES = (
    TEMPLATE, "jobs/_tabs.html", "jobs/_private_banner.html", "jobs/_search_fields.html", "jobs/_results.html",
    "jobs/_postings.html", "jobs/_pagination.html", "jobs/_attribution_postings.html", "jobs/_insight.html",
)  # fmt: skip
# What the view works out of the page besides its ids, counts and number, all of it shown.
STATE = ("show_older", "older_asked", "has_older", "older_first", "older_last", "query", "older_query", "current_query")


class _AwardShown:
    """What the content may show of the award: the badge's name, and a placeholder for its id."""

    get_absolute_url = Award.get_absolute_url

    def __init__(self, public_id, name):
        self.public_id = public_id
        self.template = SimpleNamespace(name=name)


@functools.cache
def _templates_digest():
    return hashlib.sha256("\0".join(get_template(name).template.source for name in TEMPLATES).encode()).hexdigest()


def _asked(request, award, certification_ids, per_page):
    """What a request asks of the content, known before its matches are read."""
    return {
        "asked": list(request.GET.lists()),  # in order: the links it renders keep the order asked
        "badge": award.template.name,
        "certifications": certification_ids,
        "per_page": per_page,
        "count_cap": postings_search.COUNT_CAP,
        "fresh_days": settings.JOBS_FRESH_DAYS,
        "timezone": timezone.get_current_timezone_name(),
        "script_prefix": get_script_prefix(),
        "templates": _templates_digest(),
    }


def _key(prefix, version, state):
    return f"{prefix}:{version}:{hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()}"


def asked_key(version, request, award, certification_ids, per_page):
    """The key of the content of a search with up to COUNT_CAP matches: what the request asks, under `version`.
    Its entry holds the instant the split by age next changes, and is served only before it."""
    return _key("jobs:tab", version, _asked(request, award, certification_ids, per_page))


def state_key(version, request, award, certification_ids, page, listing):
    """The key of the content of a broader search, split by the database: what the request asks and the page's
    state (its ids, counts and split), under `version`."""
    state = {
        "ids": page.object_list,
        "number": page.number,
        "count": page.paginator.count,
        "more_than_counted": page.more_than_counted,
        **{name: listing.get(name) for name in STATE},
        **_asked(request, award, certification_ids, page.paginator.per_page),
    }
    return _key("jobs:tab-state", version, state)


def cached_tab(request, *, version, award, certification_ids, per_page):
    """The content from the cache for a search with up to COUNT_CAP matches, filled for the signed-in earner; None
    when it is not there, or when the split by age has moved since it was rendered (or nothing is cached).

    One cache read and the earner's saved postings on the page: no form, matches or split are worked out.
    """
    if version is None:
        return None
    entry = cache.get(asked_key(version, request, award, certification_ids, per_page))
    if entry is None:
        return None
    texts, slots, ids, changes_at = entry
    if changes_at is not None and timezone.now() >= changes_at:
        return None
    return _filled((texts, slots), request, award, _saved_among(request.user, ids))


def tab_html(request, *, version, award, form, certification_ids, listing, rows, search):
    """The content of the Jobs tab for the signed-in earner's `award`, rendered, or for a broad search maybe from
    the cache (a narrower one has just missed `cached_tab`).

    `listing["page"].object_list` holds the ids shown, `listing` the state the view worked out (`STATE`), `rows`
    the matches (`jobs.search.cached_match_rows`, None for a broad search), `search()` returns the search's
    queryset; it is called, and the page's rows and the insight read, only when the content is not cached.
    `version` is the postings' version, None when its row is missing: then nothing is cached.
    """
    page = listing["page"]
    ids = page.object_list
    if version is None:
        key = None
    elif rows is None:
        key = state_key(version, request, award, certification_ids, page, listing)
    else:
        key = asked_key(version, request, award, certification_ids, page.paginator.per_page)
    rendered = cache.get(key) if key and rows is None else None
    if rendered is None:
        cards = list(card_postings(search(), request.user).filter(pk__in=ids)) if ids else []
        saved = {posting.pk for posting in cards if posting.is_saved}
        insight = cached_market_insight(certification_ids, version=version)
        rendered = _render(award, form, listing, cards, insight)
        if key and rows is None:
            cache.set(key, rendered, settings.JOBS_SEARCH_CACHE_SECONDS)
        elif key:
            _store_until_the_split_moves(key, rendered, ids, next_split_change(rows))
    else:
        saved = _saved_among(request.user, ids)
    return _filled(rendered, request, award, saved)


def _store_until_the_split_moves(key, rendered, ids, changes_at):
    timeout = settings.JOBS_SEARCH_CACHE_SECONDS
    if changes_at is not None:
        timeout = min(timeout, (changes_at - timezone.now()).total_seconds())
    if timeout >= 1:
        cache.set(key, (*rendered, ids, changes_at), timeout)


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


def _render(award, form, listing, cards, insight):
    """(texts, slots): the content rendered with no earner in it, cut at each slot."""
    token = secrets.token_hex(16)
    placeholder = str(uuid.UUID(token))

    def slot(kind, pk=""):
        return f"slot{token}_{kind}_{pk}_"

    apply_path, _, _ = card_paths()
    card_texts(cards, apply_path)
    for card in cards:
        card.card_toggle_path, card.card_toggle_label = slot("toggle", card.pk), slot("label", card.pk)
    shown = copy(listing["page"])
    shown.object_list = cards
    context = {
        **{name: listing.get(name) for name in STATE},
        **insight,
        "award": _AwardShown(placeholder, award.template.name),
        "tab": "jobs",
        "form": form,
        "filters_in_use": form.filters_in_use(),
        "fresh_days": settings.JOBS_FRESH_DAYS,
        "page": shown,
        "csrf_field": slot("csrf"),
        "here": slot("here"),
        **attribution(cards),
    }
    parts = re.split(rf"slot{token}_([a-z]+)_(\d*)_|({placeholder})", render_to_string(TEMPLATE, context))
    slots = [
        ("award", None) if award_id else (kind, int(pk) if pk else None)
        for kind, pk, award_id in zip(parts[1::4], parts[2::4], parts[3::4], strict=True)
    ]
    return parts[0::4], slots


def _filled(rendered, request, award, saved):
    """The rendering with the slots filled for this request's earner, who has saved the postings `saved`."""
    texts, slots = rendered
    _, save_path, unsave_path = card_paths()
    shared = {"award": str(award.public_id), "here": escape(request.get_full_path())}
    if any(kind == "csrf" for kind, _ in slots):  # one field for the page, as {% csrf_token %} would give
        shared["csrf"] = str(csrf_input(request))
    out = [texts[0]]
    for (kind, pk), text in zip(slots, texts[1:], strict=True):
        if kind in shared:
            out.append(shared[kind])
        else:
            path, label = saved_toggle(save_path, unsave_path, pk, pk in saved)
            out.append(escape(path) if kind == "toggle" else label)
        out.append(text)
    return mark_safe("".join(out))  # noqa: S308 (template output, and values escaped above)
