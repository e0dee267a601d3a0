"""The program dashboard over BENCH_AWARDS awards (100,000 by default) on PostgreSQL, timed in-process.

Seeds (once) 100,000 awards over 20 badge templates and two years, each with its claim email in the
outbox, plus share counts and page view counters; then times `dashboard_figures` and the whole admin page
(through Django's test client, signed in as staff), BENCH_REPEAT times each, and prints medians and p95,
the query count, and the plan of the slowest query.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> nice -n 19 .venv/bin/python bench/dashboard/run.py
(it refuses SQLite: the figures that matter are PostgreSQL's). BENCH_RESEED=1 seeds again; BENCH_WRITES=1 also
times what the rollup triggers (migration badges/0015) cost an import and acceptances.
"""

import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")
os.environ.setdefault("STAFF_MFA_REQUIRED", "False")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# The page renders without `collectstatic`, as in the tests: the manifest storage would want hashed files.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from django.db import connection  # noqa: E402
from django.db.models import DateTimeField, F  # noqa: E402
from django.db.models.functions import Cast  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from badges.dashboard.selectors import dashboard_figures  # noqa: E402
from badges.models import Award, AwardPageView, AwardState, BadgeTemplate, Issuer, ShareCount  # noqa: E402
from outbox.models import OutboxEmail  # noqa: E402

AWARDS = int(os.environ.get("BENCH_AWARDS", 100_000))
REPEAT = int(os.environ.get("BENCH_REPEAT", 20))
TEMPLATES = 20
CHANNELS = ["linkedin-profile", "x", "email"]
TODAY = date(2026, 11, 30)
FIRST_DAY = TODAY - timedelta(days=730)


def seed():
    random.seed(12)
    issuer, _ = Issuer.objects.get_or_create(
        slug="bench", defaults={"name": "Bench Program", "url": "https://bench.example", "email": "b@bench.example"}
    )
    templates = [
        BadgeTemplate.objects.get_or_create(slug=f"bench-{n}", defaults={"issuer": issuer, "name": f"Bench badge {n}"})[
            0
        ]
        for n in range(TEMPLATES)
    ]
    Award.objects.filter(template__in=templates).delete()
    OutboxEmail.objects.filter(kind="claim").delete()
    batch = []
    for n in range(AWARDS):
        issued_on = FIRST_DAY + timedelta(days=random.randrange(730))
        made = timezone.make_aware(datetime.combine(issued_on, datetime.min.time()))
        roll = random.random()
        state = AwardState.ACCEPTED if roll < 0.6 else AwardState.DECLINED if roll < 0.65 else AwardState.PENDING
        accepted_at = made + timedelta(hours=random.randrange(1, 24 * 40)) if state == AwardState.ACCEPTED else None
        batch.append(
            Award(
                template=templates[n % TEMPLATES],
                recipient_email=f"bench{n}@example.com",
                recipient_name=f"Earner {n}",
                state=state,
                issued_on=issued_on,
                expires_on=issued_on + timedelta(days=365 * 2),
                accepted_at=accepted_at,
                claim_link_opened_at=made + timedelta(hours=1) if roll < 0.75 else None,
                revoked_at=made + timedelta(days=3) if roll > 0.99 else None,
                revocation_reason="bench" if roll > 0.99 else "",
            )
        )
    awards = Award.objects.bulk_create(batch, batch_size=5000)
    # Made on their issue day, as a program issuing every week makes them (`created_at` is auto_now_add).
    Award.objects.filter(template__in=templates).update(
        created_at=Cast(F("issued_on"), DateTimeField()) + timedelta(hours=9)
    )
    made_at = dict(Award.objects.filter(template__in=templates).values_list("pk", "created_at"))
    OutboxEmail.objects.bulk_create(
        [
            OutboxEmail(
                kind="claim",
                to=award.recipient_email,
                payload={"award_id": award.pk},
                created_at=made_at[award.pk],
                sent_at=made_at[award.pk] + timedelta(minutes=1) if random.random() < 0.97 else None,
                failed_at=made_at[award.pk] + timedelta(days=3) if random.random() < 0.01 else None,
            )
            for award in awards
        ],
        batch_size=5000,
    )
    accepted = [award for award in awards if award.state == AwardState.ACCEPTED]
    ShareCount.objects.bulk_create(
        [ShareCount(award=award, channel=random.choice(CHANNELS), clicks=random.randrange(1, 5))
         for award in random.sample(accepted, len(accepted) // 5)],
        batch_size=5000,
    )  # fmt: skip
    AwardPageView.objects.bulk_create(
        [AwardPageView(award=award, template_id=award.template_id,
                       day=award.issued_on + timedelta(days=random.randrange(1, 60)), views=random.randrange(1, 9))
         for award in random.sample(accepted, len(accepted) // 2)],
        batch_size=5000,
        ignore_conflicts=True,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def timed(function, repeat=REPEAT):
    """Wall-clock p50 and p95, and this process's CPU time p50 (ms): on a shared machine the wall clock
    also counts waiting for a core, the CPU time does not (PostgreSQL's own time is measured apart)."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    times.sort()
    return statistics.median(times), times[max(int(len(times) * 0.95) - 1, 0)], statistics.median(cpu)


def database_time(start, end):
    """PostgreSQL's own execution time (EXPLAIN ANALYZE) summed over the dashboard's queries, in ms."""
    with CaptureQueriesContext(connection) as queries:
        dashboard_figures(start=start, end=end, today=TODAY)
    total = 0.0
    with connection.cursor() as cursor:
        for captured in queries.captured_queries:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + captured["sql"])
            plan = cursor.fetchone()[0]
            plan = plan[0] if isinstance(plan, list) else plan
            total += plan["Execution Time"] + plan["Planning Time"]
    return total


ROLLUP_TRIGGERS = {
    "badges_award": ["badges_rollup_award_insert", "badges_rollup_award_update", "badges_rollup_award_delete"],
    "outbox_outboxemail": ["badges_rollup_email_insert", "badges_rollup_email_update", "badges_rollup_email_delete"],
    "badges_sharecount": ["badges_rollup_share_insert", "badges_rollup_share_update", "badges_rollup_share_delete"],
}


def write_costs(rows=5000, accepts=300):
    """What the rollups' triggers cost the writes: an import of `rows` awards with their claim emails (COPY,
    as `awards_issue_many` writes them), then `accepts` acceptances one by one, each in a transaction rolled
    back, with the triggers and without them (disabled inside the transaction). Returns ms per case."""
    from django.db import transaction

    from badges.awards.bulk import award_item_build, awards_issue_many
    from badges.awards.services import award_accept

    template = BadgeTemplate.objects.get(slug="bench-0")
    pending = list(Award.objects.filter(state=AwardState.PENDING, revoked_at__isnull=True).order_by("pk")[:accepts])
    items = [
        award_item_build(template=template, email=f"writes{n}@example.com", name="Earner", issued_on=TODAY)
        for n in range(rows)
    ]
    times = {}
    # Alternated and repeated (the median of three), so that neither side has the warm caches alone.
    for _ in range(3):
        for triggers in (True, False):
            for label, work in (
                (f"import {rows:,} awards + claim emails", lambda: awards_issue_many(items=items)),
                (f"{accepts} acceptances, one by one", lambda: [award_accept(award=award) for award in pending]),
            ):
                with transaction.atomic():
                    if not triggers:
                        with connection.cursor() as cursor:
                            for table, names in ROLLUP_TRIGGERS.items():
                                for name in names:
                                    cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
                    started = time.perf_counter()
                    work()
                    times.setdefault((label, triggers), []).append((time.perf_counter() - started) * 1000)
                    transaction.set_rollback(True)
    return {key: statistics.median(values) for key, values in times.items()}


def main():
    assert connection.vendor == "postgresql", "run it on PostgreSQL (DATABASE_URL)"
    if os.environ.get("BENCH_RESEED") or Award.objects.count() < AWARDS:
        started = time.perf_counter()
        seed()
        print(f"seeded {AWARDS:,} awards in {time.perf_counter() - started:.0f} s")
    print(f"awards: {Award.objects.count():,}, outbox rows: {OutboxEmail.objects.count():,}")
    staff, _ = User.objects.get_or_create(
        email="bench-staff@example.com", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(staff)
    ranges = {"12 weeks": (TODAY - timedelta(weeks=12), TODAY), "one year": (TODAY - timedelta(days=365), TODAY),
              "two years": (FIRST_DAY, TODAY)}  # fmt: skip
    print(f"load before: {os.getloadavg()}")
    print("| range | awards in range | dashboard_figures p50 / p95 ms | PostgreSQL ms | admin page p50 / p95 ms "
          "| page CPU ms (Python) | queries (page) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for label, (start, end) in ranges.items():
        in_range = Award.objects.filter(issued_on__gte=start, issued_on__lte=end).count()
        figures = timed(lambda start=start, end=end: dashboard_figures(start=start, end=end, today=TODAY))
        query = {"start": start.isoformat(), "end": end.isoformat()}
        assert client.get("/admin/dashboard/", query).status_code == 200
        page = timed(lambda query=query: client.get("/admin/dashboard/", query))
        with CaptureQueriesContext(connection) as queries:
            client.get("/admin/dashboard/", query)
        database = statistics.median(database_time(start, end) for _ in range(5))
        print(
            f"| {label} | {in_range:,} | {figures[0]:.0f} / {figures[1]:.0f} | {database:.0f} "
            f"| {page[0]:.0f} / {page[1]:.0f} | {page[2]:.0f} | {len(queries)} |"
        )
    print(f"load after: {os.getloadavg()}")
    if os.environ.get("BENCH_WRITES"):
        print(f"load before the writes: {os.getloadavg()}")
        costs = write_costs()
        print("| write | with the rollup triggers ms | without ms |")
        print("| --- | --- | --- |")
        for label in dict.fromkeys(label for label, _ in costs):
            print(f"| {label} | {costs[(label, True)]:.0f} | {costs[(label, False)]:.0f} |")
        print(f"load after the writes: {os.getloadavg()}")
    if os.environ.get("BENCH_EXPLAIN"):
        start, end = ranges["two years"]
        with CaptureQueriesContext(connection) as queries:
            dashboard_figures(start=start, end=end, today=TODAY)
        with connection.cursor() as cursor:
            for captured in queries.captured_queries:
                cursor.execute("EXPLAIN ANALYZE " + captured["sql"])
                plan = [row[0] for row in cursor.fetchall()]
                print(captured["sql"][:200], "\n   ", plan[-1])


if __name__ == "__main__":
    main()
