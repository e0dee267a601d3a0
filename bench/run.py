"""Public badge page and Open Badges JSON under load, next to a trivial view in the same server.

PostgreSQL + Redis cache + gunicorn (2 workers, persistent connections) + wrk (16 connections),
requests spread over BENCH_IDS different awards out of BENCH_AWARDS. Run with `make bench`.
Needs PostgreSQL and Redis on 127.0.0.1 and wrk (apt-get install wrk).

The cache starts empty, so with tens of thousands of ids most requests of a 20-second run are the first
for their id: the "misses" column counts the cache entries a run wrote. BENCH_WARM=1 first requests
every id once, to measure a cache that already holds the badges (reported as such, never instead).

The public documents are stored per award (`badges.public.stored`) when they change; the seeded awards were
bulk-inserted, so `build_public_documents` builds them first, as after an import or a deploy (in two
processes; later runs find them current). BENCH_DOCUMENTS=cleared marks every document stale before the run
instead (what a deploy that changed a template leaves until the command runs): each first read builds one.
The "built" column counts the documents the target built during its run. The machine's load average is
printed before and after.
"""

import contextlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from bench.gunicorn_server import start_server  # noqa: E402

PORT = os.environ.get("BENCH_PORT", "8123")
DURATION = os.environ.get("BENCH_SECONDS", "20")
WARM = os.environ.get("BENCH_WARM") == "1"
TARGETS = [
    ("trivial view (/healthz)", "/healthz"),
    ("OB 2.0 assertion JSON", "/ob/v2/assertions/{id}"),
    ("OB 3.0 credential (VC-JWT, signed once per change, stored)", "/ob/v3/credentials/{id}"),
    ("public badge page", "/badges/{id}/"),
    ("baked PNG (OB 2.0)", "/badges/{id}/baked.png"),
    ("baked PNG (OB 3.0)", "/badges/{id}/baked-ob3.png"),
]
DOCUMENTS = os.environ.get("BENCH_DOCUMENTS", "built")
# Building all 100,000 documents takes long on a shared machine; BENCH_BUILD=all does it, the default builds
# those of the ids the run reads (the other rows are in the table and its index all the same).
BUILD_ONLY = [] if os.environ.get("BENCH_BUILD") == "all" else ["--public-ids", str(ROOT / "var" / "bench-ids.txt")]
# BENCH_ONLY=baked measures /healthz and the targets whose path contains "baked" (for comparing one change).
ONLY = os.environ.get("BENCH_ONLY", "")
if ONLY:
    TARGETS = [target for target in TARGETS if target[1] == "/healthz" or ONLY in target[1]]

ENV = {
    **os.environ,
    "DEBUG": "False",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/badgeportal_bench"),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
    "CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
    "IDS_FILE": str(ROOT / "var" / "bench-ids.txt"),
}


def run(*args, **kwargs):
    subprocess.run(args, cwd=ROOT, env=ENV, check=True, **kwargs)


def prepare():
    (ROOT / "var").mkdir(exist_ok=True)
    if os.environ.get("BENCH_SKIP_PREPARE") == "1":  # the database of an earlier run, as it is
        run("redis-cli", "-u", ENV["REDIS_URL"], "flushdb", stdout=subprocess.DEVNULL)
        return
    database = ENV["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], stderr=subprocess.DEVNULL, check=False)
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v0")
    run(PYTHON, "manage.py", "import_catalog", stdout=subprocess.DEVNULL)
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0")
    run(PYTHON, "manage.py", "generate_badge_images", stdout=subprocess.DEVNULL)
    run(PYTHON, "bench/seed_awards.py")
    if DOCUMENTS == "cleared":
        sql("UPDATE badges_publicdocument SET built_release = ''")
    else:
        started = time.monotonic()
        builders = [
            subprocess.Popen(
                [PYTHON, "manage.py", "build_public_documents", "--shard", f"{n}/2", *BUILD_ONLY], cwd=ROOT, env=ENV
            )
            for n in range(2)
        ]
        if any(builder.wait() for builder in builders):
            raise SystemExit("build_public_documents failed")
        print(f"documents built in {time.monotonic() - started:.0f} s", flush=True)
    sql("VACUUM ANALYZE badges_publicdocument")
    run("redis-cli", "-u", ENV["REDIS_URL"], "flushdb", stdout=subprocess.DEVNULL)


def sql(statement):
    output = subprocess.run(
        ["psql", ENV["DATABASE_URL"], "-At", "-c", statement], check=True, capture_output=True, text=True
    )
    return output.stdout.strip()


def unbuilt():
    return int(sql("SELECT count(*) FROM badges_publicdocument WHERE built_release = ''"))


def load():
    return Path("/proc/loadavg").read_text().split()[0]


def _cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def server_cpu(server):
    """CPU seconds spent so far by the gunicorn workers and their PostgreSQL backends: unlike requests/s,
    what a request costs barely moves when other work shares the machine."""
    workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    backends = sql(
        "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND client_port IS NOT NULL"
    ).split()
    total = 0.0
    for pid in workers + backends:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a process that just ended
            total += _cpu_seconds(pid)
    return total


def cache_entries():
    output = subprocess.run(["redis-cli", "-u", ENV["REDIS_URL"], "dbsize"], check=True, capture_output=True, text=True)
    return int(output.stdout.strip())


def warm(path):
    """Request every id once, four at a time, before measuring."""
    ids = Path(ENV["IDS_FILE"]).read_text().split()

    def walk(part):
        connection = http.client.HTTPConnection("127.0.0.1", int(PORT), timeout=30)
        for public_id in part:
            connection.request("GET", path.replace("{id}", public_id))
            connection.getresponse().read()
        connection.close()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(walk, [ids[n::4] for n in range(4)]))


def measure(path, server):
    if WARM and "{id}" in path:
        warm(path)
    entries_before, unbuilt_before = cache_entries(), unbuilt()
    cpu_before = server_cpu(server)
    env = {**ENV, "PATH_PATTERN": path}
    command = [
        "wrk",
        "-t2",
        "-c16",
        f"-d{DURATION}s",
        "--latency",
        "-s",
        "bench/rotate.lua",
        f"http://127.0.0.1:{PORT}",
    ]
    output = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    result = {key: float(value) for key, value in re.findall(r"(\w+)=([\d.]+)", line)}
    cpu_ms = (server_cpu(server) - cpu_before) * 1000 / max(result["requests"], 1)
    return result | {"misses": cache_entries() - entries_before, "built": unbuilt_before - unbuilt(), "cpu_ms": cpu_ms}


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    prepare()
    load_before = load()
    server = start_server(PORT, ENV)
    try:
        results = [(label, path, measure(path, server)) for label, path in TARGETS]
    finally:
        server.terminate()
        server.wait()
    report(results, load_before, load())


def report(results, load_before, load_after):
    ceiling = results[0][2]["rps"]
    lines = [
        f"### {date.today()} — {os.environ.get('BENCH_AWARDS', '100000')} awards, ids rotating over "
        f"{os.environ.get('BENCH_IDS', '20000')}, wrk -t2 -c16 -d{DURATION}s, gunicorn 2 workers"
        + (", cache warmed with every id first" if WARM else ", cache empty at the start")
        + f", documents {DOCUMENTS} at the start, load average {load_before} before / {load_after} after",
        "",
        "| target | requests/s | ratio to trivial | p50 ms | p95 ms | p99 ms | errors | misses / requests | built "
        "| server CPU ms per request | CPU ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    trivial_cpu = results[0][2]["cpu_ms"]
    for label, _, r in results:
        lines.append(
            f"| {label} | {r['rps']:.0f} | {r['rps'] / ceiling:.2f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} "
            f"| {r['p99_ms']:.1f} | {r['errors']:.0f} | {r['misses']:.0f} / {r['requests']:.0f} | {r['built']:.0f} "
            f"| {r['cpu_ms']:.2f} | {trivial_cpu / r['cpu_ms']:.2f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    with open(ROOT / "bench" / "results.md", "a", encoding="utf-8") as handle:
        handle.write("\n" + text)


if __name__ == "__main__":
    main()
