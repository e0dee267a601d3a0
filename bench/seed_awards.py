"""Create N accepted, public awards (default 100,000) for the benchmarks; idempotent."""

import os
import sys
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from badges.models import Award, AwardState, BadgeTemplate  # noqa: E402

BATCH = 5000


def seed(total):
    templates = list(BadgeTemplate.objects.order_by("pk")[:200])
    existing = Award.objects.count()
    now = timezone.now()
    for start in range(existing, total, BATCH):
        size = min(BATCH, total - start)
        users = User.objects.bulk_create(
            [User(email=f"bench{start + i}@bench.example", full_name=f"Bench Earner {start + i}") for i in range(size)]
        )
        Award.objects.bulk_create(
            Award(
                public_id=uuid.uuid4(),
                template=templates[(start + i) % len(templates)],
                recipient_email=user.email,
                recipient_name=user.full_name,
                earner=user,
                state=AwardState.ACCEPTED,
                accepted_at=now,
            )
            for i, user in enumerate(users)
        )
        print(f"{start + size} awards", flush=True)


def write_ids(path, count):
    """A random sample of public awards; an earlier run's sample is kept, so its built documents serve again."""
    if Path(path).is_file() and len(Path(path).read_text().split()) == count:
        return
    ids = Award.objects.publicly_visible().order_by("?").values_list("public_id", flat=True)[:count]
    Path(path).write_text("\n".join(str(i) for i in ids) + "\n")


if __name__ == "__main__":
    seed(int(os.environ.get("BENCH_AWARDS", "100000")))
    write_ids(os.environ.get("IDS_FILE", "var/bench-ids.txt"), int(os.environ.get("BENCH_IDS", "20000")))
