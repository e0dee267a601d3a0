"""Refreshing job postings and the market figures derived from them (salaries, the Jobs tab's insight)."""

import logging
import statistics
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from badges.models import Award, Certification

from .insight import market_insight_compute
from .matching import annualise, occupation_codes_for, region_of, tidy_locations
from .models import (
    CertificationRefresh,
    JobPosting,
    JobSource,
    MarketInsight,
    MarketSalary,
    Occupation,
    PostingStatus,
    SalaryPeriod,
    SavedJob,
)
from .providers import provider_for
from .providers.base import ProviderError
from .search import certification_ids_for

logger = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 20
SUMMARY_LENGTH = 300


@dataclass
class RefreshOutcome:
    ok: bool = True
    fetched: int = 0
    created: int = 0
    updated: int = 0
    closed: int = 0
    bad_records: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other):
        self.ok = self.ok and other.ok
        for name in ("fetched", "created", "updated", "closed", "bad_records"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def certifications_with_job_data():
    """Certifications that someone holds as an accepted, unrevoked badge and that map to occupations."""
    held = Award.objects.held()
    return (
        Certification.objects.filter(Q(badge_template__awards__in=held) | Q(exams__badge_template__awards__in=held))
        .filter(occupation_links__isnull=False)
        .distinct()
        .order_by("pk")
    )


def jobs_refresh(*, certification, source, provider=None):
    """Replace what `source` says about `certification`, or change nothing if the source cannot be read."""
    provider = provider or provider_for(source.name)
    if provider is None:
        return RefreshOutcome(ok=False, errors=[f"{source} is not configured"])
    occupations = list(Occupation.objects.filter(certification_links__certification=certification))
    try:
        result = provider.fetch(certification, occupations)
    except ProviderError as error:
        logger.warning("jobs: %s refresh for %s failed: %s", source, certification, error)
        CertificationRefresh.objects.update_or_create(
            certification=certification, source=source, defaults={"status": "failed", "error": str(error)}
        )
        return RefreshOutcome(ok=False, errors=[str(error)])
    outcome = _store(certification=certification, source=source, result=result)
    outcome.bad_records, outcome.errors = len(result.errors), result.errors[:MAX_ERRORS_KEPT]
    return outcome


@transaction.atomic
def _store(*, certification, source, result):
    now = timezone.now()
    incoming = {}
    for data in result.postings:
        incoming[data.external_id] = data  # the last copy of a repeated record wins
    existing = {p.external_id: p for p in JobPosting.objects.filter(source=source.name, external_id__in=incoming)}
    outcome = RefreshOutcome(fetched=len(incoming))
    to_create, to_update, changed_fields = [], [], set()
    for external_id, data in incoming.items():
        values = _posting_values(data)
        posting = existing.get(external_id)
        if posting is None:
            to_create.append(JobPosting(source=source.name, external_id=external_id, fetched_at=now, **values))
            continue
        changed = {name for name, value in values.items() if getattr(posting, name) != value}
        if changed:
            for name in changed:
                setattr(posting, name, values[name])
            changed_fields |= changed
            to_update.append(posting)
    # Ignoring conflicts lets a refresh racing another for the same source settle on one row per posting.
    JobPosting.objects.bulk_create(to_create, batch_size=500, ignore_conflicts=True)
    if to_update:
        JobPosting.objects.bulk_update(to_update, sorted(changed_fields), batch_size=500)
    JobPosting.objects.filter(pk__in=[p.pk for p in existing.values()]).update(fetched_at=now)
    outcome.created, outcome.updated = len(to_create), len(to_update)

    postings = {p.external_id: p.pk for p in JobPosting.objects.filter(source=source.name, external_id__in=incoming)}
    _link(JobPosting.certifications.through, "certification_id", {(pk, certification.pk) for pk in postings.values()})
    codes = {code: pk for pk, code in Occupation.objects.values_list("pk", "soc_code")}
    occupation_links = {
        (postings[external_id], codes[code])
        for external_id, data in incoming.items()
        for code in data.occupation_codes or occupation_codes_for(data.title)
        if code in codes
    }
    _link(JobPosting.occupations.through, "occupation_id", occupation_links)

    outcome.closed = (
        JobPosting.objects.filter(source=source.name, certifications=certification, status=PostingStatus.OPEN)
        .exclude(pk__in=postings.values())
        .update(status=PostingStatus.CLOSED, closed_at=now)
    )
    market_salaries_recompute(certification=certification, now=now)
    market_insight_recompute(certification=certification, now=now)
    CertificationRefresh.objects.update_or_create(
        certification=certification, source=source, defaults={"refreshed_at": now, "status": "ok", "error": ""}
    )
    return outcome


def _posting_values(data):
    period = data.salary_period if data.salary_period in SalaryPeriod.values else ""
    # Sources write 0 for "no minimum" (NYC's "up to" ranges); an unknown bound is None here.
    salary_min, salary_max = (data.salary_min or None, data.salary_max or None) if period else (None, None)
    period = period if salary_min or salary_max else ""
    return {
        "origin": data.origin,
        "title": data.title[:300],
        "employer": data.employer[:300],
        "locations": tidy_locations(data.locations),
        "region": region_of(data.locations),
        "remote": data.remote,
        "salary_min": salary_min,
        "salary_max": salary_max,
        "salary_period": period,
        "salary_is_predicted": data.salary_is_predicted,
        "annual_salary_min": annualise(salary_min, period),
        "annual_salary_max": annualise(salary_max if salary_max is not None else salary_min, period),
        "posted_on": data.posted_on,
        "closes_on": data.closes_on,
        "apply_url": data.apply_url[:1000],
        "description": data.description,
        "summary": summarize(data.description),
        "status": PostingStatus.OPEN,
        "closed_at": None,
    }


def summarize(text, limit=SUMMARY_LENGTH):
    """The first words of `text`, at most `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _link(through, other_field, pairs):
    known = set(
        through.objects.filter(jobposting_id__in={posting_id for posting_id, _ in pairs}).values_list(
            "jobposting_id", other_field
        )
    )
    through.objects.bulk_create(
        [through(jobposting_id=posting_id, **{other_field: other_id}) for posting_id, other_id in pairs - known],
        ignore_conflicts=True,
        batch_size=1000,
    )


def market_salaries_recompute(*, certification, now=None):
    """Median and range of the yearly pay in open postings for `certification`, overall and per region."""
    now = now or timezone.now()
    rows = JobPosting.objects.filter(
        certifications=certification, status=PostingStatus.OPEN, annual_salary_max__isnull=False
    ).values_list("region", "annual_salary_min", "annual_salary_max")
    groups = {"": []}
    for region, low, high in rows:
        entry = (low if low is not None else high, high)
        groups[""].append(entry)
        if region:
            groups.setdefault(region, []).append(entry)
    kept = []
    for region, entries in groups.items():
        if not entries:
            continue
        kept.append(region)
        MarketSalary.objects.update_or_create(
            certification=certification,
            region=region,
            defaults={
                "postings": len(entries),
                "median": int(statistics.median((low + high) / 2 for low, high in entries)),
                "low": min(low for low, _ in entries),
                "high": max(high for _, high in entries),
                "computed_at": now,
            },
        )
    MarketSalary.objects.filter(certification=certification).exclude(region__in=kept).delete()


def market_insight_recompute(*, certification, now=None):
    """Store the Jobs tab's market insight for `certification`'s open postings (see `jobs.insight`)."""
    postings = JobPosting.objects.filter(certifications=certification, status=PostingStatus.OPEN)
    MarketInsight.objects.update_or_create(
        certification=certification,
        defaults={"data": market_insight_compute(postings), "computed_at": now or timezone.now()},
    )


def jobs_source_run(*, source, certifications=None):
    """Refresh every certification with job data from one source and record the outcome on the source."""
    if provider_for(source.name) is None:
        _record_run(source, RefreshOutcome(ok=False), status="not configured", error="API keys are not set.")
        return None
    total = RefreshOutcome()
    certifications = certifications if certifications is not None else certifications_with_job_data()
    provider = provider_for(source.name)
    for certification in certifications:
        total.add(jobs_refresh(certification=certification, source=source, provider=provider))
    status = "ok" if total.ok else ("partial" if total.fetched else "failed")
    _record_run(source, total, status=status, error="\n".join(total.errors[:MAX_ERRORS_KEPT]))
    return total


def _record_run(source, outcome, *, status, error):
    JobSource.objects.filter(pk=source.pk).update(
        last_run_at=timezone.now(),
        last_status=status,
        last_fetched=outcome.fetched,
        last_created=outcome.created,
        last_updated=outcome.updated,
        last_closed=outcome.closed,
        last_bad_records=outcome.bad_records,
        last_error=error,
    )


def source_is_due(source, now):
    if not source.enabled:
        return False
    return source.last_run_at is None or source.last_run_at + timedelta(minutes=source.interval_minutes) <= now


@transaction.atomic
def jobs_tick(*, now=None):
    """Start the sources whose interval has passed and drop closed postings past retention.

    A source is marked as started before its run is queued, so a tick that comes while a long
    run is still going does not queue it twice.
    """
    from .tasks import jobs_source_run_task

    now = now or timezone.now()
    started = []
    for source in JobSource.objects.select_for_update().filter(enabled=True):
        if source_is_due(source, now):
            JobSource.objects.filter(pk=source.pk).update(last_run_at=now, last_status="queued")
            jobs_source_run_task.delay_on_commit(source.pk)
            started.append(source.name)
    job_postings_purge(now=now)
    return started


def job_postings_purge(*, now=None):
    cutoff = (now or timezone.now()) - timedelta(days=settings.JOBS_CLOSED_RETENTION_DAYS)
    deleted, _ = JobPosting.objects.filter(status=PostingStatus.CLOSED, closed_at__lt=cutoff).delete()
    return deleted


def jobs_refresh_now(*, source):
    """Queue a run of `source` at once, whatever its schedule (the admin action)."""
    from .tasks import jobs_source_run_task

    JobSource.objects.filter(pk=source.pk).update(last_status="queued")
    jobs_source_run_task.delay_on_commit(source.pk)


def refresh_if_stale_on_commit(award):
    """After a badge is accepted: once the transaction commits, refresh the postings of the
    certifications it stands for from every source whose data for them is older than its interval."""
    from .tasks import jobs_refresh_task

    now = timezone.now()
    certification_ids = certification_ids_for(award.template)
    fresh = {
        (row.certification_id, row.source_id): row.refreshed_at
        for row in CertificationRefresh.objects.filter(
            certification_id__in=certification_ids, refreshed_at__isnull=False
        )
    }
    sources = [s for s in JobSource.objects.filter(enabled=True) if provider_for(s.name) is not None]
    for certification_id in certification_ids:
        for source in sources:
            refreshed_at = fresh.get((certification_id, source.pk))
            if refreshed_at is None or refreshed_at + timedelta(minutes=source.interval_minutes) <= now:
                jobs_refresh_task.delay_on_commit(certification_id, source.pk)


def saved_job_toggle(*, user, posting, save):
    if save:
        SavedJob.objects.get_or_create(user=user, posting=posting)
    else:
        SavedJob.objects.filter(user=user, posting=posting).delete()


def job_apply_count(*, posting):
    JobPosting.objects.filter(pk=posting.pk).update(apply_clicks=F("apply_clicks") + 1)
