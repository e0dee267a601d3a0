"""Profile the Jobs tab in one process: the bench's search, signed in, over the seeded postings.

Prints the median wall and CPU time of this process per request (PostgreSQL's own time is not in the
CPU figure), the queries of one request, and the cProfile functions by cumulative time.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jobs_bench .venv/bin/python bench/jobs/profile_page.py
"""

import cProfile
import os
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")
os.environ.setdefault("DEBUG", "False")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

QUERY = "keyword=engineer&location=Austin&remote=on&min_salary=100000"
RUNS = int(os.environ.get("PROFILE_RUNS", "50"))


def main():
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)
    seed = subprocess.run([sys.executable, "bench/jobs/seed.py"], cwd=ROOT, capture_output=True, text=True, check=True)
    values = dict(line.split(" ", 1) for line in seed.stdout.splitlines() if line.startswith(("COOKIE", "AWARD")))
    name, value = values["COOKIE"].split("=", 1)
    client = Client(HTTP_HOST="localhost")
    client.cookies[name] = value
    path = f"/wallet/{values['AWARD']}/jobs/?{QUERY}"
    assert client.get(path).status_code == 200
    walls, cpus = [], []
    for _ in range(RUNS):
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert response.status_code == 200 and b"job-card" in response.content
    wall_ms, cpu_ms = statistics.median(walls) * 1000, statistics.median(cpus) * 1000
    print(f"median wall {wall_ms:.1f} ms, CPU of this process {cpu_ms:.1f} ms")
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    for query in queries.captured_queries:
        print(f"{query['time']} s  {query['sql'][:150]}")
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(RUNS):
        client.get(path)
    profile.disable()
    pstats.Stats(profile).sort_stats("cumulative").print_stats(int(os.environ.get("PROFILE_LINES", "45")))


if __name__ == "__main__":
    main()
