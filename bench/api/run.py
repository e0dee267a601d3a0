"""Issuing through the API on PostgreSQL: BENCH_BATCHES (20) batches of BENCH_BATCH_SIZE (1,000) awards, one
request after another, then single-award requests from BENCH_CLIENTS (4) clients at once.

gunicorn (2 sync workers, persistent connections) on its own database (h_api by default) and Redis db 2; no
Celery worker runs, so what each award writes (award, claim email, webhook delivery) stays in the tables.
Every request carries a fresh Idempotency-Key, as a client should. Prints awards/s, p50/p95 per batch request
and single-award requests/s, with the machine's load.
Run: make bench-api   (needs PostgreSQL and Redis on 127.0.0.1)
"""

import json
import os
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from bench.gunicorn_server import start_server  # noqa: E402
from bench.jobs.run import _free_port  # noqa: E402

BATCHES = int(os.environ.get("BENCH_BATCHES", "20"))
BATCH_SIZE = int(os.environ.get("BENCH_BATCH_SIZE", "1000"))
SINGLES = int(os.environ.get("BENCH_SINGLES", "400"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
PORT = os.environ.get("BENCH_PORT") or str(_free_port())
ENV = {
    **os.environ,
    "DEBUG": "False",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_api"),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2"),
    "CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
    # The benchmark measures the work, not the limit.
    "API_RATE_LIMIT": "1000000",
}


def run(*args, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=ENV, check=True, **kwargs)


def prepare():
    database = ENV["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], stderr=subprocess.DEVNULL, check=False)
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v0")
    output = run(PYTHON, "bench/api/seed.py", capture_output=True, text=True).stdout
    values = dict(line.split(" ", 1) for line in output.splitlines())
    return values["KEY"], values["TEMPLATE"]


def post(path, body, key):
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}{path}",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": uuid.uuid4().hex,
                 "Content-Type": "application/json"},
    )  # fmt: skip
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=300) as response:  # noqa: S310 (local server)
        answer = json.loads(response.read())
        status = response.status
    return status, answer, time.perf_counter() - started


def award(template, tag, n):
    return {"template": template, "email": f"{tag}-{n}@example.com", "name": f"Earner {n}", "external_id": f"C-{n}"}


def batches(key, template):
    run_id = uuid.uuid4().hex[:8]
    latencies = []
    for number in range(BATCHES):
        items = [award(template, f"b{run_id}-{number}", n) for n in range(BATCH_SIZE)]
        status, answer, seconds = post("/api/v1/awards/batch", {"items": items}, key)
        if status != 200 or answer["created"] != BATCH_SIZE:
            raise SystemExit(f"batch {number} answered {status}: {str(answer)[:300]}")
        latencies.append(seconds)
    return latencies


def singles(key, template):
    run_id = uuid.uuid4().hex[:8]
    latencies, lock = [], threading.Lock()

    def client(number):
        for n in range(SINGLES // CLIENTS):
            status, _, seconds = post("/api/v1/awards", award(template, f"s{run_id}-{number}", n), key)
            if status != 201:
                raise SystemExit(f"single award answered {status}")
            with lock:
                latencies.append(seconds)

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started


def p95(values):
    return statistics.quantiles(values, n=20)[-1]


def main():
    key, template = prepare()
    server = start_server(PORT, ENV)
    try:
        post("/api/v1/awards", award(template, "warm", 0), key)  # load the code in the workers
        print("load before:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
        batch_latencies = batches(key, template)
        single_latencies, single_seconds = singles(key, template)
        print("load after: ", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())
    finally:
        server.terminate()
        server.wait()
    total = sum(batch_latencies)
    print(f"batches: {BATCHES} x {BATCH_SIZE} awards, one after another")
    print(f"  awards/s {BATCHES * BATCH_SIZE / total:.0f}; per request p50 {statistics.median(batch_latencies):.2f} s,"
          f" p95 {p95(batch_latencies):.2f} s, max {max(batch_latencies):.2f} s")  # fmt: skip
    print(f"single awards: {len(single_latencies)} requests from {CLIENTS} clients")
    rate = len(single_latencies) / single_seconds
    median_ms, p95_ms = statistics.median(single_latencies) * 1000, p95(single_latencies) * 1000
    print(f"  requests/s {rate:.0f}; p50 {median_ms:.0f} ms, p95 {p95_ms:.0f} ms")


if __name__ == "__main__":
    main()
