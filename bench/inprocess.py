"""Time single requests in-process, cold (cache miss) and warm (cache hit): the public badge page,
its link-preview image and every Open Badges endpoint, next to the trivial view.

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
    timings = []
    for _ in range(runs):
        if clear_cache:
            cache.clear()
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
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
            hit = median_ms(client, url, clear_cache=False, runs=runs)
            print(f"{name:22} miss {miss:7.2f} ms   hit {hit:7.2f} ms   ({runs} requests each)")
        print(f"{'healthz':22} {median_ms(client, reverse('healthz'), clear_cache=False, runs=runs):7.2f} ms")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
