"""Views of public badge pages, counted without a query per view and without any data about the visitor.

A view adds one to a counter per (badge, day): in Redis, one HINCRBY on the day's hash (and the day in a
set of days to flush, in the same round trip), when Redis is the cache; in this process's memory
otherwise (the demo, the tests). `page_views_flush` moves the counts into `AwardPageView` rows; beat
runs it every few minutes and the dashboard runs it before it counts, so its figures are current.
Counting never fails a page: with Redis down, the view is not counted.

What can be lost: views counted in a process's memory when it stops, and, with Redis, the counts of a
flush that fails between reading the hash and writing the rows (it is renamed first, so two flushes never
count the same views twice).
"""

import contextlib
import logging
import threading
import uuid
from collections import Counter
from datetime import date, timedelta

from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from redis.exceptions import RedisError

from badgeportal.cache import RedisCache

from ..models import Award, AwardPageView

logger = logging.getLogger(__name__)

_local = Counter()
_lock = threading.Lock()


def _redis():
    cache = caches["default"]
    return cache._cache.get_client(write=True) if isinstance(cache, RedisCache) else None


def _prefix():
    # The cache's key prefix keeps sites (and tests) sharing one Redis database apart.
    return caches["default"].make_key("pageviews:")


def page_view_count(public_id, day=None):
    day = (day or timezone.localdate()).isoformat()
    client = _redis()
    if client is None:
        with _lock:
            _local[(str(public_id), day)] += 1
        return
    with contextlib.suppress(RedisError):  # a view not counted, never a page that fails
        # One round trip: the day's counter, and the day in the set the flush reads (no SCAN of the cache).
        pipeline = client.pipeline(transaction=False)
        pipeline.hincrby(_prefix() + day, str(public_id), 1)
        pipeline.sadd(_prefix() + "days", day)
        pipeline.execute()


def _drain():
    """Take the buffered counts: {(public_id, day): views}."""
    client = _redis()
    if client is None:
        with _lock:
            counts = dict(_local)
            _local.clear()
        return counts
    counts = Counter()
    today = timezone.localdate()
    for day in sorted(member.decode() for member in client.smembers(_prefix() + "days")):
        # Renamed first: views counted from now go to a new hash, and a second flush cannot read this one.
        taken = f"{_prefix()}flushing:{uuid.uuid4().hex}"
        try:
            client.rename(_prefix() + day, taken)
        except RedisError:
            taken = None  # no views since the last flush, or another flush took them
        if taken:
            for public_id, views in client.hgetall(taken).items():
                counts[(public_id.decode(), day)] += int(views)
            client.delete(taken)
        # A day stays listed while views may still come for it (today, and yesterday in another time zone).
        if date.fromisoformat(day) < today - timedelta(days=1):
            client.srem(_prefix() + "days", day)
    return counts


def page_views_flush():
    """Write the buffered counts into `AwardPageView`; return how many views were written."""
    try:
        counts = _drain()
    except RedisError as error:
        logger.warning("Page views not flushed: %r", error)
        return 0
    if not counts:
        return 0
    awards = {
        public_id: (pk, template_id)
        for public_id, pk, template_id in Award.objects.filter(
            public_id__in={public_id for public_id, _ in counts}
        ).values_list("public_id", "pk", "template_id")
    }
    written = 0
    for (public_id, day), views in counts.items():
        award = awards.get(uuid.UUID(public_id))
        if award is None:
            continue  # deleted since
        _add(*award, date.fromisoformat(day), views)
        written += views
    return written


def _add(award_id, template_id, day, views):
    rows = AwardPageView.objects.filter(award_id=award_id, day=day)
    if rows.update(views=F("views") + views):
        return
    try:
        with transaction.atomic():
            AwardPageView.objects.create(award_id=award_id, template_id=template_id, day=day, views=views)
    except IntegrityError:  # another flush created the day's row meanwhile
        rows.update(views=F("views") + views)
