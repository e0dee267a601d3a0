"""The dashboard reads its figures from rollups that database triggers keep (migration 0015): after any
history of writes, through every path that writes awards, claim emails and share counts, they must equal
a count of the rows themselves.

These tests run on SQLite (the unit tests) and, with DATABASE_URL naming PostgreSQL, on PostgreSQL, where
bulk imports go through COPY; the `integration`-marked one insists on PostgreSQL.
"""

import contextlib
import importlib
import random
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F, Sum
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.awards.bulk import DuplicatePolicy, award_item_build, awards_issue_many
from badges.awards.personal_data import awards_anonymise
from badges.awards.services import (
    CLAIM_EMAIL,
    award_accept,
    award_decline,
    award_issue,
    award_renew,
    award_restore,
    award_revoke,
    awards_expiry_announce,
    claim_link_opened,
)
from badges.dashboard.aggregates import Median
from badges.dashboard.selectors import dashboard_figures, median_of_days
from badges.models import (
    Award,
    AwardAcceptDays,
    AwardAcceptedDay,
    AwardDayClaimEmails,
    AwardDayShares,
    AwardDaySummary,
    AwardState,
    ShareChannel,
    ShareCount,
)
from badges.sharing.services import share_click_record
from badges.tests.factories import BadgeTemplateFactory, IssuerFactory
from outbox.models import OutboxEmail
from outbox.services import outbox_deliver, outbox_forget, outbox_record_failure, outbox_retry

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 30)
FIRST = TODAY - timedelta(days=70)
COUNTED = ("issued", "opened", "accepted", "declined", "pending", "revoked", "expired")
EMAILS = ("emails_sent", "emails_failed", "emails_queued")
ROLLUPS = (AwardDaySummary, AwardAcceptDays, AwardAcceptedDay, AwardDayClaimEmails, AwardDayShares)


def whole_days(award):
    return (award.accepted_at - award.created_at) // timedelta(days=1)


def hand_count(*, start, end, today, templates):
    """The dashboard's figures counted in Python from the rows themselves: {template id: {figure: value}},
    the total under None, and the weeks."""
    awards = [a for a in Award.objects.filter(template__in=templates) if start <= a.issued_on <= end]
    by_id = {award.pk: award for award in awards}
    figures = defaultdict(lambda: {**dict.fromkeys(COUNTED + EMAILS, 0), "days": [], "shares": Counter()})
    for award in awards:
        for key in (award.template_id, None):
            row = figures[key]
            row["issued"] += 1
            row["opened"] += award.claim_link_opened_at is not None
            row["accepted"] += award.state == AwardState.ACCEPTED
            row["declined"] += award.state == AwardState.DECLINED
            row["pending"] += award.state == AwardState.PENDING and award.revoked_at is None
            row["revoked"] += award.revoked_at is not None
            row["expired"] += award.revoked_at is None and award.expires_on is not None and award.expires_on < today
            if award.accepted_at is not None:
                row["days"].append(whole_days(award))
    for email in OutboxEmail.objects.filter(kind=CLAIM_EMAIL):
        award = by_id.get(email.payload.get("award_id"))
        if award is None:
            continue
        state = "emails_sent" if email.sent_at else "emails_failed" if email.failed_at else "emails_queued"
        for key in (award.template_id, None):
            figures[key][state] += 1
    for share in ShareCount.objects.filter(award_id__in=by_id):
        for key in (by_id[share.award_id].template_id, None):
            figures[key]["shares"][share.channel] += share.clicks
    issued_weeks, accepted_weeks = Counter(), Counter()
    for award in awards:
        issued_weeks[award.issued_on - timedelta(days=award.issued_on.weekday())] += 1
    for award in Award.objects.filter(template__in=templates, state=AwardState.ACCEPTED):
        day = timezone.localtime(award.accepted_at).date()
        if start <= day <= end:
            accepted_weeks[day - timedelta(days=day.weekday())] += 1
    return figures, issued_weeks, accepted_weeks


def as_counted(row):
    """A dashboard row in the hand count's terms."""
    return {
        **{name: getattr(row, name) for name in COUNTED + EMAILS},
        "median": row.median_time_to_accept,
        "shares": {channel: clicks for channel, clicks in row.shares.items() if clicks},
    }


def expected(row):
    median = timedelta(days=statistics.median(row["days"])) if row["days"] else None
    return {
        **{name: row[name] for name in COUNTED + EMAILS},
        "median": median,
        "shares": {channel: clicks for channel, clicks in row["shares"].items() if clicks},
    }


def assert_dashboard_matches_the_rows(*, start, end, today, issuer=None, template=None, templates):
    scoped = [t for t in templates if (template is None or t == template) and (issuer is None or t.issuer == issuer)]
    figures, issued_weeks, accepted_weeks = hand_count(start=start, end=end, today=today, templates=scoped)
    dashboard = dashboard_figures(start=start, end=end, issuer=issuer, template=template, today=today)

    shown = {row.template.pk: as_counted(row) for row in dashboard.rows if row.issued}
    assert shown == {key: expected(row) for key, row in figures.items() if key is not None and row["issued"]}
    assert all(not row.issued for row in dashboard.rows if row.template.pk not in shown)
    assert as_counted(dashboard.total) == expected(figures[None])
    assert [(monday, issued, accepted) for monday, issued, accepted in dashboard.weeks if issued or accepted] == [
        (monday, issued_weeks[monday], accepted_weeks[monday])
        for monday in sorted(set(issued_weeks) | set(accepted_weeks))
    ]
    # The median from whole days is within a day of the exact one (PostgreSQL's PERCENTILE_CONT, or the same
    # on SQLite), never above it.
    exact = (
        Award.objects.filter(template__in=scoped, issued_on__gte=start, issued_on__lte=end)
        .order_by()
        .aggregate(median=Median(F("accepted_at") - F("created_at")))["median"]
    )
    if exact is None:
        assert dashboard.total.median_time_to_accept is None
    else:
        assert timedelta(0) <= exact - dashboard.total.median_time_to_accept < timedelta(days=1)


class History:
    """Random writes through every path that writes the rows the dashboard counts."""

    def __init__(self, seed, templates):
        self.rng = random.Random(seed)
        self.templates = templates
        self.serial = 0
        self.earner = UserFactory()

    def award(self):
        pks = list(Award.objects.values_list("pk", flat=True))
        return Award.objects.get(pk=self.rng.choice(pks)) if pks else None

    def day(self):
        return FIRST + timedelta(days=self.rng.randrange(70))

    def moment(self, day):
        return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(
            seconds=self.rng.randrange(86400 * 3), microseconds=self.rng.randrange(1_000_000)
        )

    def email(self):
        # A small pool of addresses, so that imports meet badges already held (skipped or renewed).
        return f"earner{self.rng.randrange(40)}@example.com"

    def issue(self):
        template = self.rng.choice(self.templates)
        day = self.day()
        expires_on = self.rng.choice([None, day + timedelta(days=self.rng.randrange(0, 120))])
        award_issue(
            template=template,
            email=self.email(),
            name="An Earner",
            issued_on=day,
            expires_on=expires_on,
            send_email=self.rng.random() < 0.8,
        )

    def issue_many(self):
        items = []
        for _ in range(self.rng.randrange(1, 12)):
            day = self.day()
            items.append(
                award_item_build(
                    template=self.rng.choice(self.templates),
                    email=self.email(),
                    name="An Earner",
                    issued_on=day,
                    expires_on=day + timedelta(days=self.rng.randrange(1, 200)),
                )
            )
        awards_issue_many(
            items=items,
            send_email=self.rng.random() < 0.8,
            duplicates=self.rng.choice([DuplicatePolicy.SKIP, DuplicatePolicy.RENEW]),
            batch_size=self.rng.choice([3, 100]),
        )

    def accept(self):
        award_accept(award=self.award())

    def decline(self):
        award_decline(award=self.award())

    def restore(self):
        award_restore(award=self.award())

    def revoke(self):
        award_revoke(award=self.award(), reason="Issued by mistake.")

    def renew(self):
        award = self.award()
        award_renew(award=award, expires_on=TODAY + timedelta(days=self.rng.randrange(1, 400)), today=TODAY)

    def expire(self):
        awards_expiry_announce(today=FIRST + timedelta(days=self.rng.randrange(140)))

    def open(self):
        award = self.award()
        claim_link_opened(award=award, now=self.moment(award.issued_on))

    def backdate(self):
        # An award made (and accepted) at other moments than now, as the tests and the benchmark write them.
        award = self.award()
        made = self.moment(award.issued_on - timedelta(days=1))
        Award.objects.filter(pk=award.pk).update(created_at=made)
        if award.accepted_at is not None:
            Award.objects.filter(pk=award.pk).update(accepted_at=self.moment(award.issued_on))

    def share(self):
        share_click_record(award=self.award(), channel=self.rng.choice(ShareChannel.values))

    def delete(self):
        self.award().delete()

    def anonymise(self):
        award = self.award()
        awards_anonymise(user=self.earner, addresses=[award.recipient_email])

    def move(self):
        # Not a path the app offers (the template and issue date are read-only after issue); SQL could.
        award = self.award()
        Award.objects.filter(pk=award.pk).update(template=self.rng.choice(self.templates))

    def send(self):
        rows = list(OutboxEmail.objects.filter(kind=CLAIM_EMAIL, sent_at__isnull=True).order_by("?")[:3])
        for row in rows:
            outbox_deliver(row=row)  # the test mailer keeps messages in memory

    def fail(self):
        ids = list(OutboxEmail.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)[:4])
        now = timezone.now()
        outbox_record_failure(ids=ids, error=OSError("refused"), now=now)
        later = now + timedelta(seconds=settings.OUTBOX_FAIL_AFTER_SECONDS + 1)
        outbox_record_failure(ids=ids, error=OSError("refused"), now=later)

    def retry(self):
        outbox_retry(rows=OutboxEmail.objects.filter(failed_at__isnull=False))

    def forget(self):
        outbox_forget(to=[self.email()])

    WEIGHTS = {
        issue: 12,
        issue_many: 4,
        accept: 10,
        decline: 3,
        restore: 2,
        revoke: 2,
        renew: 2,
        expire: 1,
        open: 4,
        backdate: 3,
        share: 5,
        delete: 2,
        anonymise: 1,
        move: 1,
        send: 3,
        fail: 1,
        retry: 1,
        forget: 1,
    }

    def run(self, steps):
        actions, weights = zip(*self.WEIGHTS.items(), strict=True)
        for _ in range(steps):
            action = self.rng.choices(actions, weights)[0]
            if action not in (History.issue, History.issue_many) and not Award.objects.exists():
                continue
            # A write the rules refuse (accepting a revoked badge...) changes nothing.
            with contextlib.suppress(ValidationError):
                action(self)


@pytest.fixture
def templates():
    other = IssuerFactory(slug="other", name="Other Program")
    return [
        BadgeTemplateFactory(validity_months=12),
        BadgeTemplateFactory(),
        BadgeTemplateFactory(issuer=other),
    ]


def check_every_view(templates):
    for start, end in [(FIRST, TODAY), (FIRST + timedelta(days=20), FIRST + timedelta(days=40)), (TODAY, TODAY)]:
        for today in (TODAY, FIRST + timedelta(days=60)):
            assert_dashboard_matches_the_rows(start=start, end=end, today=today, templates=templates)
    assert_dashboard_matches_the_rows(
        start=FIRST, end=TODAY, today=TODAY, issuer=templates[0].issuer, templates=templates
    )
    assert_dashboard_matches_the_rows(start=FIRST, end=TODAY, today=TODAY, template=templates[1], templates=templates)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_rollups_equal_the_rows_after_random_histories(seed, templates):
    History(seed, templates).run(160)

    assert Award.objects.exists()
    check_every_view(templates)


@pytest.mark.integration
def test_the_rollups_equal_the_rows_on_postgresql_with_copy_imports(real_services, templates):
    from badgeportal.copy_insert import supports_copy

    assert supports_copy(Award)  # the imports below go through COPY
    history = History(7, templates)
    for _ in range(4):
        history.issue_many()
    history.run(250)

    check_every_view(templates)


def test_whole_days_are_rounded_down_to_the_microsecond(templates):
    made = timezone.make_aware(datetime(2026, 10, 5, 10, 0, 0, 500_000))
    cases = [
        made + timedelta(days=1) - timedelta(microseconds=1),  # 0 days
        made + timedelta(days=1),  # 1 day
        made + timedelta(days=3, seconds=1),  # 3 days
        made - timedelta(microseconds=1),  # accepted "before" it was made: -1, as Python's floor says
        timezone.make_aware(datetime(2026, 10, 7, 10, 0, 0)),  # a whole second: stored without a fraction
    ]
    for accepted_at in cases:
        award = award_issue(template=templates[1], email="e@example.com", name="E", issued_on=date(2026, 10, 5))
        Award.objects.filter(pk=award.pk).update(created_at=made, state=AwardState.ACCEPTED, accepted_at=accepted_at)

    rows = AwardAcceptDays.objects.filter(template=templates[1]).values_list("days").annotate(awards=Sum("awards"))
    histogram = {days: awards for days, awards in rows if awards}
    assert histogram == Counter((accepted_at - made) // timedelta(days=1) for accepted_at in cases)
    assert histogram == {0: 1, 1: 2, 3: 1, -1: 1}


def test_the_median_of_a_histogram():
    assert median_of_days({}) is None
    assert median_of_days({3: 0}) is None
    assert median_of_days({1: 1, 3: 1, 10: 1}) == timedelta(days=3)
    assert median_of_days({1: 2, 4: 2}) == timedelta(days=2.5)
    assert median_of_days({0: 5, 9: 1, 2: 0}) == timedelta(0)
    assert median_of_days({-1: 1, 2: 3}) == timedelta(days=2)


KEY_COLUMNS = ("template_id", "issued_on", "expires_on", "accepted_on", "days", "channel")


def rollup_rows():
    """Each rollup's counts by key, summed over the slots (migration 0015), keys counting nothing left out."""
    rollups = {}
    for model in ROLLUPS:
        sums = defaultdict(Counter)
        for row in model.objects.values():
            key = tuple(row[name] for name in KEY_COLUMNS if name in row)
            sums[key].update({name: value for name, value in row.items() if name not in (*KEY_COLUMNS, "id", "slot")})
        rollups[model.__name__] = sorted(
            (key, sorted(counts.items())) for key, counts in sums.items() if any(counts.values())
        )
    return rollups


def test_the_migration_counts_the_rows_that_exist(templates):
    migration = importlib.import_module("badges.migrations.0015_dashboard_rollup")
    History(11, templates).run(120)
    kept = rollup_rows()
    assert kept["AwardDaySummary"]

    for model in ROLLUPS:
        model.objects.all().delete()
    _, _, backfill = migration.statements(connection.vendor)
    with connection.cursor() as cursor:
        for statement in backfill:
            cursor.execute(statement)

    assert rollup_rows() == kept


def test_a_save_that_changes_nothing_counted_leaves_the_rollups_as_they_were(templates):
    award = award_issue(template=templates[0], email="e@example.com", name="E", issued_on=TODAY)
    before = rollup_rows()

    award.recipient_name = "Another Name"
    award.save()
    Award.objects.filter(pk=award.pk).update(expiry_announced_at=timezone.now())

    assert rollup_rows() == before


def _in_a_thread(work, started, release):
    """Run `work` in a transaction on a connection of its own; signal `started` once it has written, and
    commit when `release` is set."""
    import threading

    from django.db import connections, transaction

    def run():
        try:
            with transaction.atomic():
                work()
                started.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["send", "delete"])
def test_a_claim_email_sent_while_its_award_is_deleted_counts_nothing(real_services, first):
    """Each transaction's trigger sees the other's rows as they were before it; the lock on the award makes
    the second wait until the first commits, so that the email is counted out exactly once."""
    import threading
    import time

    template = BadgeTemplateFactory()
    award = award_issue(template=template, email="e@example.com", name="E", issued_on=TODAY)
    email = OutboxEmail.objects.get(kind=CLAIM_EMAIL)
    works = {
        "send": lambda: OutboxEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now()),
        "delete": lambda: Award.objects.filter(pk=award.pk).delete(),
    }
    second = "delete" if first == "send" else "send"
    started = {name: threading.Event() for name in works}
    release = {name: threading.Event() for name in works}

    threads = [_in_a_thread(works[first], started[first], release[first])]
    assert started[first].wait(10)
    threads.append(_in_a_thread(works[second], started[second], release[second]))
    time.sleep(0.5)
    assert not started[second].is_set()  # waiting for the first to commit
    release[first].set()
    assert started[second].wait(10)
    release[second].set()
    for thread in threads:
        thread.join(10)

    assert not Award.objects.exists()
    # Each connection writes its own slot's row: the counts are their sums.
    counts = AwardDayClaimEmails.objects.filter(template=template).aggregate(Sum("sent"), Sum("failed"), Sum("queued"))
    assert list(counts.values()) == [0, 0, 0]


def _backend_pid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_an_import_holding_its_rollup_rows_does_not_hold_up_an_acceptance_of_the_same_day(real_services):
    """An import holds the rollup rows it wrote until it commits (a minute for 100,000 awards). A key's counts
    are spread over slots chosen by the writing connection, so another connection accepting a badge of the
    same template and day writes its own row and does not wait."""
    import threading

    migration = importlib.import_module("badges.migrations.0015_dashboard_rollup")
    template = BadgeTemplateFactory()
    held = award_issue(template=template, email="held@example.com", name="Held", issued_on=TODAY)
    items = [
        award_item_build(template=template, email=f"e{n}@example.com", name="E", issued_on=TODAY) for n in range(3)
    ]
    started, release, importer = threading.Event(), threading.Event(), {}

    def run_import():
        importer["pid"] = _backend_pid()
        awards_issue_many(items=items)

    thread = _in_a_thread(run_import, started, release)
    try:
        assert started.wait(10)
        while _backend_pid() % migration.SLOTS == importer["pid"] % migration.SLOTS:
            connection.close()  # the same slot as the import's: a new connection, a new backend
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")  # waiting on the import's rows fails the test
        Award.objects.filter(pk=held.pk).update(state=AwardState.ACCEPTED, accepted_at=timezone.now())
    finally:
        release.set()
        thread.join(10)

    figures = dashboard_figures(start=TODAY, end=TODAY, template=template, today=TODAY)
    assert (figures.total.issued, figures.total.accepted, figures.total.pending) == (4, 1, 3)
