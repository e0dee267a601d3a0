"""The Jobs tab's market insight over BENCH_POSTINGS postings (seeded by bench/jobs/seed.py): how long the
database takes to aggregate it (what each refresh of the certification now pays), and the Jobs tab signed in,
in-process, reading the stored figures. Medians of BENCH_RUNS (7) runs.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobs_bench .venv/bin/python bench/insight/run.py
     (after `bench/jobs/seed.py` has filled that database)
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402

from badges.models import Award  # noqa: E402
from jobs.insight import market_insight_compute  # noqa: E402
from jobs.search import certification_ids_for, postings_for_certifications  # noqa: E402
from jobs.services import market_insight_recompute  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
EMAIL = "bench-earner@example.com"


def _median_ms(action):
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


# Pages render without `collectstatic`, as in the tests.
STATIC = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=STATIC)
def main():
    award = Award.objects.select_related("template").get(earner__email=EMAIL)
    certification_id = certification_ids_for(award.template)[0]
    postings = postings_for_certifications([certification_id])
    print("load average:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    print(f"postings that fit: {postings.count()}")
    print(f"aggregate (3 queries), median ms: {_median_ms(lambda: market_insight_compute(postings))}")
    market_insight_recompute(certification=award.template.certification)
    client = Client()
    client.force_login(award.earner)
    url = reverse("award_jobs", args=[award.public_id])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    median = _median_ms(lambda: client.get(url))
    print(f"Jobs tab, stored insight: {len(queries.captured_queries)} queries, median ms: {median}")


if __name__ == "__main__":
    main()
