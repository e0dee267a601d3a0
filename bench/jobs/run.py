"""Jobs tab under load: a keyword + location + remote + minimum-salary search over BENCH_POSTINGS
postings (100k by default) on PostgreSQL, next to the trivial /healthz in the same server.

gunicorn (2 workers, persistent connections) + wrk (16 connections, BENCH_SECONDS per URL),
signed in with a session cookie. Uses its own database `jobs_bench` and Redis db 4.
Run: .venv/bin/python bench/jobs/run.py   (needs PostgreSQL and Redis on 127.0.0.1 and wrk)
"""

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from bench.gunicorn_server import start_server  # noqa: E402

DURATION = os.environ.get("BENCH_SECONDS", "20")
QUERY = "keyword=engineer&location=Austin&remote=on&min_salary=100000"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = os.environ.get("BENCH_PORT") or str(_free_port())
ENV = {
    **os.environ,
    "DEBUG": "False",
    "SECRET_KEY": "bench-" + "x" * 50,
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "SITE_URL": f"http://127.0.0.1:{PORT}",
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jobs_bench"),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4"),
    "CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
}


def run(*args, **kwargs):
    return subprocess.run(args, cwd=ROOT, env=ENV, check=True, **kwargs)


def prepare():
    database = ENV["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], stderr=subprocess.DEVNULL, check=False)
    run(PYTHON, "manage.py", "migrate", "--noinput", "-v0")
    run(PYTHON, "manage.py", "collectstatic", "--noinput", "-v0")
    output = run(PYTHON, "bench/jobs/seed.py", capture_output=True, text=True).stdout
    values = dict(line.split(" ", 1) for line in output.splitlines() if line.startswith(("COOKIE", "AWARD")))
    return values["COOKIE"], values["AWARD"]


def check(path, cookie):
    """The page must answer 200 with results for the cookie: a login redirect would look fast."""
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (local server)
        body = response.read().decode()
        if response.status != 200 or "job-card" not in body:
            raise SystemExit(f"{path} did not answer a page of postings")
    return re.search(r"([\d,]+) open posting", body).group(1)


def _cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def server_cpu(server):
    """CPU seconds of the gunicorn workers and their PostgreSQL backends so far (see bench/run.py)."""
    workers = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    query = (
        "SELECT string_agg(pid::text, ' ') FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND client_port IS NOT NULL"
    )
    backends = run("psql", ENV["DATABASE_URL"], "-At", "-c", query, capture_output=True, text=True).stdout.split()
    total = 0.0
    for pid in workers + backends:
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a process that just ended
            total += _cpu_seconds(pid)
    return total


def measure(path, cookie, server, connections=16):
    cpu_before = server_cpu(server)
    command = ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}s", "--latency", "-s", "bench/jobs/session.lua"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{PORT}{path}"],
        cwd=ROOT,
        env={**ENV, "BENCH_COOKIE": cookie},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    result = {key: float(value) for key, value in re.findall(r"(\w+)=([\d.]+)", line)}
    return result | {"cpu_ms": (server_cpu(server) - cpu_before) * 1000 / max(result["requests"], 1)}


def main():
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")
    cookie, award = prepare()
    load_before = Path("/proc/loadavg").read_text().split()[0]
    jobs_path = f"/wallet/{award}/jobs/?{QUERY}"
    server = start_server(PORT, ENV)
    try:
        matches = check(jobs_path, cookie)
        results = [
            ("trivial view (/healthz)", measure("/healthz", cookie, server)),
            (f"Jobs tab, {QUERY} ({matches} matches)", measure(jobs_path, cookie, server)),
            # One connection per worker: the time a request takes when it does not wait in line.
            ("Jobs tab, same query, 2 connections", measure(jobs_path, cookie, server, connections=2)),
        ]
    finally:
        server.terminate()
        server.wait()
    report(results, load_before, Path("/proc/loadavg").read_text().split()[0])


def report(results, load_before, load_after):
    postings = os.environ.get("BENCH_POSTINGS", "100000")
    lines = [
        f"### {date.today()}: {postings} postings, wrk -t2 -c16 -d{DURATION}s (unless noted), gunicorn 2 workers, "
        f"PostgreSQL, {os.cpu_count()} CPUs, load average {load_before} before / {load_after} after",
        "",
        "| target | requests/s | ratio to trivial | p50 ms | p95 ms | p99 ms | errors | server CPU ms per request "
        "| CPU ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    ceiling, trivial_cpu = results[0][1]["rps"], results[0][1]["cpu_ms"]
    for label, r in results:
        timings = f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f}"
        lines.append(
            f"| {label} | {r['rps']:.0f} | {r['rps'] / ceiling:.2f} | {timings} | {r['errors']:.0f} "
            f"| {r['cpu_ms']:.2f} | {trivial_cpu / r['cpu_ms']:.2f} |"
        )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
