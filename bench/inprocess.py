"""Time single requests in-process, cold (cache miss) and warm (cache hit): the public badge page,
its link-preview image and every Open Badges endpoint, next to the trivial view.

"miss" empties the cache and marks the award's stored documents stale before each request, so the page,
the assertion, the credential and the baked PNGs are built by the request; "hit" reads them as stored.
Each time is the median wall time; "cpu" is this process's CPU time per request, which other work on the
machine moves less than wall time (PostgreSQL's own CPU is not in it).

Run: .venv/bin/python bench/inprocess.py [requests]. Uses a throwaway test database; prints medians in ms.
`bench/run.py` measures the same pages under load in a real server.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402


def median_ms(client, url, *, clear_cache, runs):
    from badges.models import PublicDocument

    timings, cpu = [], 0.0
    for _ in range(runs):
        if clear_cache:
            cache.clear()
            PublicDocument.objects.update(built_release="")
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        cpu += time.process_time() - start_cpu
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    median_ms.cpu = cpu * 1000 / runs
    return statistics.median(timings)


def targets():
    from badges.openbadges.keys import issuer_key_active
    from badges.openbadges.tests.ob_helpers import give_image
    from badges.tests.factories import AcceptedAwardFactory, ExamFactory

    award = AcceptedAwardFactory()
    give_image(award.template)
    for _ in range(3):
        ExamFactory().certifications.add(award.template.certification)
    key = issuer_key_active(issuer=award.template.issuer)
    return [
        ("award_public", [award.public_id]),
        ("award_og_image", [award.public_id]),
        ("ob2_assertion", [award.public_id]),
        ("ob2_badgeclass", [award.template.slug]),
        ("ob2_issuer", [award.template.issuer.slug]),
        ("award_credential_json", [award.public_id]),
        ("award_credential_jwt", [award.public_id]),
        ("ob3_issuer_key", [key.kid]),
        ("ob3_status_list", [award.template.issuer.slug]),
        ("award_baked_png", [award.public_id]),
        ("award_baked_ob3_png", [award.public_id]),
    ]


def main(runs):
    setup_test_environment()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = Path(settings.BASE_DIR) / "var" / "bench-media"
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        client = Client()
        for name, args in targets():
            url = reverse(name, args=args)
            miss = median_ms(client, url, clear_cache=True, runs=runs)
            miss_cpu = median_ms.cpu
            hit = median_ms(client, url, clear_cache=False, runs=runs)
            print(
                f"{name:22} miss {miss:7.2f} ms (cpu {miss_cpu:6.2f})   hit {hit:7.2f} ms (cpu {median_ms.cpu:6.2f})"
                f"   ({runs} requests each)"
            )
        healthz = median_ms(client, reverse("healthz"), clear_cache=False, runs=runs)
        print(f"{'healthz':22} {healthz:7.2f} ms (cpu {median_ms.cpu:6.2f})")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
