"""Prometheus metrics at /metrics: request latency by view (`RequestMetricsMiddleware`) and the program's
own figures, read from the database at scrape time so every node reports the same numbers.

/metrics answers only a scraper that shows METRICS_TOKEN as a bearer token or comes from one of
METRICS_ALLOWED_IPS; with neither set it is off (404).
"""

import hmac
import ipaddress
import os
import time

from django.conf import settings
from django.db.models import Count, Min, Q, Sum
from django.http import Http404, HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import REGISTRY, GaugeMetricFamily

REQUEST_LATENCY = Histogram(
    "badgeportal_request_seconds",
    "Time to answer a request, by view and method",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RequestMetricsMiddleware:
    """Times every request and labels it with the view's URL name (never the path: ids would explode the
    number of series)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = (match.view_name if match else "") or "unresolved"
        REQUEST_LATENCY.labels(view, request.method, str(response.status_code)).observe(time.perf_counter() - started)
        return response


# name: (help, labels)
FAMILIES = {
    "badgeportal_awards": ("Awards: issued, held (accepted and not revoked), revoked", ["state"]),
    "badgeportal_outbox_emails": ("Outbox emails by state", ["state"]),
    "badgeportal_outbox_oldest_unsent_seconds": ("Age of the oldest email still waiting to be sent", None),
    "badgeportal_job_refreshes": ("Job data refreshes by their last result", ["status"]),
    "badgeportal_award_imports": ("Award imports (CSV) by state", ["state"]),
    "badgeportal_award_import_rows": ("Rows processed by finished award imports, by result", ["result"]),
}


def _family(name, value=None):
    help_text, labels = FAMILIES[name]
    return GaugeMetricFamily(name, help_text, value=value, labels=labels)


class ProgramCollector:
    """The program's figures, counted in the database at each scrape."""

    def describe(self):
        # The registry asks for names when the collector registers: answer without touching the database.
        return [_family(name) for name in FAMILIES]

    def collect(self):
        from badges.models import Award, AwardImport, ImportState
        from jobs.models import CertificationRefresh
        from outbox.models import STATE_Q, OutboxEmail, OutboxState

        awards = _family("badgeportal_awards")
        totals = Award.objects.aggregate(
            issued=Count("pk"),
            held=Count("pk", filter=Award.objects.held_q()),
            revoked=Count("pk", filter=Q(revoked_at__isnull=False)),
        )
        for state, count in totals.items():
            awards.add_metric([state], count)

        pending = STATE_Q[OutboxState.PENDING]
        outbox = OutboxEmail.objects.aggregate(
            **{state: Count("pk", filter=STATE_Q[state]) for state in OutboxState.values},
            oldest=Min("created_at", filter=pending),
        )
        emails = _family("badgeportal_outbox_emails")
        for state in OutboxState.values:
            emails.add_metric([state], outbox[state])
        age = (timezone.now() - outbox["oldest"]).total_seconds() if outbox["oldest"] else 0

        refreshes = _family("badgeportal_job_refreshes")
        for row in CertificationRefresh.objects.values("status").annotate(count=Count("pk")).order_by("status"):
            refreshes.add_metric([row["status"] or "never"], row["count"])

        imports = _family("badgeportal_award_imports")
        by_state = dict(AwardImport.objects.values_list("state").annotate(count=Count("pk")).order_by("state"))
        for state in ImportState.values:
            imports.add_metric([state], by_state.get(state, 0))
        rows = _family("badgeportal_award_import_rows")
        results = ("created", "skipped", "failed")
        sums = AwardImport.objects.filter(state=ImportState.DONE).aggregate(**{r: Sum(r) for r in results})
        for result in results:
            rows.add_metric([result], sums[result] or 0)
        return [awards, emails, _family("badgeportal_outbox_oldest_unsent_seconds", age), refreshes, imports, rows]


if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
    REGISTRY.register(ProgramCollector())


def _allowed(request):
    token = settings.METRICS_TOKEN
    presented = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and presented and hmac.compare_digest(presented, token):
        return True
    address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", "0.0.0.0"))  # noqa: S104 (never in the list)
    return any(address in ipaddress.ip_network(network) for network in settings.METRICS_ALLOWED_IPS)


def metrics(request) -> HttpResponse:
    if not (settings.METRICS_TOKEN or settings.METRICS_ALLOWED_IPS):
        raise Http404("Metrics are off: set METRICS_TOKEN or METRICS_ALLOWED_IPS.")
    if not _allowed(request):
        return HttpResponse("Show METRICS_TOKEN as a bearer token.", status=401, content_type="text/plain")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


def _registry():
    """Under gunicorn with PROMETHEUS_MULTIPROC_DIR set, every worker's samples added up; else this process's."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(ProgramCollector())
    return registry
