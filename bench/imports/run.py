"""A 100,000-row award import on PostgreSQL, beside a raw COPY of the same rows; then a claim-email drain.

1. Import: BENCH_ROWS (100,000) rows in a CSV file (two templates, by exam code and by slug; an earner id
   on each row), uploaded and previewed as the admin does (`award_import_create`), confirmed, then run by
   `award_import_run` (what the Celery task calls) in a child process of its own, so that its peak memory
   (ru_maxrss) is the import's: from the confirmed upload to every award and claim-email row committed.
   The floor: the same file `COPY`'d into a table of four text/date columns, in the same run.
2. Drain: BENCH_DRAIN_ROWS (3,000) rows imported with claim emails while two `celery worker
   --concurrency=1` processes run; the clock starts at the import's commit (which queues one sweep) and
   stops when a local SMTP sink (aiosmtpd, this process) holds every email. Duplicates and losses are
   counted by envelope recipient.

Uses the database `h_bulk_bench` and Redis db 1 (BENCH_DATABASE_URL, BENCH_REDIS_URL to change them).
Run: make bench-imports   (or .venv/bin/python bench/imports/run.py; needs PostgreSQL and Redis on 127.0.0.1)
"""

import collections
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
ROWS = int(os.environ.get("BENCH_ROWS", "100000"))
DRAIN_ROWS = int(os.environ.get("BENCH_DRAIN_ROWS", "3000"))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT") or _free_port())
ENV = {
    **os.environ,
    "DEBUG": "False",
    "SECRET_KEY": "bench-" + "x" * 50,
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_bulk_bench"),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1"),
    "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
    "BENCH_SMTP_PORT": str(SMTP_PORT),
    "CONN_MAX_AGE": "600",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "badgeportal.settings",
    "AWARD_IMPORT_MAX_ROWS": str(max(ROWS, 100_000)),
}
os.environ.update(ENV)
sys.path.insert(0, str(ROOT))


def csv_file(rows, prefix):
    lines = ["exam code,email,first name,last name,issued on,earner id"]
    for n in range(rows):
        template = "AZ-900" if n % 2 else "bench-cloud"
        lines.append(f"{template},{prefix}{n}@bench.example,Earner,Number {n},2026-11-02,C-{n:06d}")
    return ("\r\n".join(lines) + "\r\n").encode()


def prepare():
    database = ENV["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], stderr=subprocess.DEVNULL, check=False)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True)


def seed():
    """Two templates, and no awards, imports or emails from earlier runs."""
    from django.db import connection

    from badges.models import BadgeTemplate, Certification, Exam, Issuer

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE badges_awardimport, badges_award, badges_claimtoken, badges_sharecount, "
                       "outbox_outboxemail CASCADE")  # fmt: skip
    issuer, _ = Issuer.objects.get_or_create(slug="bench", defaults={"name": "Bench", "url": "https://x.example"})
    certification, _ = Certification.objects.get_or_create(slug="bench-cloud", defaults={"name": "Bench Cloud"})
    BadgeTemplate.objects.get_or_create(
        slug="bench-cloud", defaults={"issuer": issuer, "certification": certification, "name": "Bench Cloud"}
    )
    exam, _ = Exam.objects.get_or_create(code="AZ-900", defaults={"title": "Azure Fundamentals"})
    BadgeTemplate.objects.get_or_create(
        slug="az-900", defaults={"issuer": issuer, "exam": exam, "name": "AZ-900", "validity_months": 24}
    )


def run_import_child(import_id):
    """In the child: run the confirmed import; print its wall time and peak memory as JSON."""
    import django

    django.setup()
    from badges.imports.services import award_import_run

    started, cpu = time.monotonic(), time.process_time()
    award_import = award_import_run(import_id=import_id)
    print(json.dumps({
        "seconds": time.monotonic() - started,
        "cpu": time.process_time() - cpu,
        "peak_mb": peak_mb(),
        "created": award_import.created if award_import else None,
    }))  # fmt: skip


def peak_mb():
    """This process's peak resident memory (VmHWM: ru_maxrss would carry over the parent's across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def baseline_rss():
    """Peak memory of a child that only starts Django: what the import adds is the difference."""
    code = "import django; django.setup(); import badges.imports.services; "
    code += "from bench.imports.run import peak_mb; print(peak_mb())"
    out = subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True)
    return float(out.stdout)


def raw_copy(data):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_copy")
        cursor.execute("CREATE TABLE bench_copy (template text, email text, first_name text, last_name text, "
                       "issued_on date, earner_id text)")  # fmt: skip
    started = time.monotonic()
    from django.db import transaction

    sql = "COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(data)
    seconds = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_copy")
    return seconds


def measure_import():
    from badges.imports.services import award_import_confirm, award_import_create
    from badges.models import Award
    from outbox.models import OutboxEmail

    data = csv_file(ROWS, "earner")
    copy_seconds = raw_copy(data)
    started = time.monotonic()
    award_import = award_import_create(file_name="bench.csv", data=data, send_email=True)
    preview_seconds = time.monotonic() - started
    assert award_import.to_create == ROWS, award_import.report[:3]
    award_import_confirm(award_import=award_import, queue=False)
    out = subprocess.run(
        [PYTHON, __file__, "--run-import", str(award_import.pk)], cwd=ROOT, env=ENV, capture_output=True, text=True
    )
    if out.returncode:
        raise SystemExit(out.stderr)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert Award.objects.count() == OutboxEmail.objects.count() == ROWS
    return {
        "rows": ROWS,
        "megabytes": len(data) / 1e6,
        "preview": preview_seconds,
        "import": result["seconds"],
        "cpu": result["cpu"],
        "copy": copy_seconds,
        "peak_mb": result["peak_mb"],
        "django_mb": baseline_rss(),
    }


class Sink:
    def __init__(self):
        self.received = collections.Counter()
        self.last_at = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.update(envelope.rcpt_tos)
            self.last_at = time.monotonic()
        return "250 OK"


def start_workers():
    celery = str(Path(PYTHON).parent / "celery")
    workers = []
    for number in (1, 2):
        command = [celery, "-A", "badgeportal", "worker", "--concurrency=1", f"--hostname=benchimport{number}@%h"]
        command += ["--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=WARNING"]
        workers.append(subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL))
    from badgeportal.celery import app

    for _ in range(120):
        if len(app.control.ping(timeout=0.5)) >= 2:
            return workers
    raise SystemExit("the workers did not start")


def measure_drain():
    from aiosmtpd.controller import Controller

    from badgeportal.celery import app
    from badges.imports.services import award_import_confirm, award_import_create, award_import_run
    from outbox.models import OutboxEmail

    seed()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    app.control.purge()
    workers = start_workers()
    try:
        award_import = award_import_create(file_name="drain.csv", data=csv_file(DRAIN_ROWS, "drain"))
        award_import_confirm(award_import=award_import, queue=False)
        award_import_run(import_id=award_import.pk)  # its commit queues the first sweep
        started = time.monotonic()
        deadline = started + max(300, DRAIN_ROWS / 5)
        while len(sink.received) < DRAIN_ROWS and time.monotonic() < deadline:
            time.sleep(0.05)
        seconds = (sink.last_at or time.monotonic()) - started
        time.sleep(3)  # anything sent twice arrives by now
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
        controller.stop()
    expected = set(OutboxEmail.objects.values_list("to", flat=True))
    unsent = set(OutboxEmail.objects.filter(sent_at__isnull=True).values_list("to", flat=True))
    return {
        "emails": DRAIN_ROWS,
        "seconds": seconds,
        "rate": len(sink.received) / seconds,
        "duplicates": sum(count - 1 for count in sink.received.values()),
        "lost": len(expected - set(sink.received) - unsent),
        "unsent": len(unsent),
    }


def main():
    load_before = os.getloadavg()
    prepare()
    import django

    django.setup()
    seed()
    imported = measure_import()
    print("| rows | file | preview (upload) | import (confirmed → committed) | its CPU time | raw COPY | "
          "import / COPY | peak memory (Django alone) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    row = (
        f"| {imported['rows']:,} | {imported['megabytes']:.1f} MB | {imported['preview']:.1f} s | "
        f"{imported['import']:.1f} s | {imported['cpu']:.1f} s | {imported['copy']:.2f} s | "
        f"{imported['import'] / imported['copy']:.0f}x | "
        f"{imported['peak_mb']:.0f} MB ({imported['django_mb']:.0f} MB) |"
    )
    print(row)
    drained = {} if os.environ.get("BENCH_SKIP_DRAIN") else measure_drain()
    if drained:
        print("| emails | workers | drain time | emails/s | duplicates | lost | still unsent |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        print(f"| {drained['emails']:,} | 2 x concurrency 1 | {drained['seconds']:.1f} s | {drained['rate']:.0f} | "
              f"{drained['duplicates']} | {drained['lost']} | {drained['unsent']} |")  # fmt: skip
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min) before: {load_before[0]:.1f} {load_before[1]:.1f} {load_before[2]:.1f}; "
          f"after: {load_after[0]:.1f} {load_after[1]:.1f} {load_after[2]:.1f}")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--run-import":
        run_import_child(int(sys.argv[2]))
    else:
        main()
