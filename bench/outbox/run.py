"""Claim emails drained from the outbox into a local SMTP sink by two worker processes.

BENCH_EMAILS (3,000) awards and their claim-email rows are written in one transaction, as a bulk import
does (`outbox_enqueue_many`); the clock starts at the commit, which queues one sweep, and stops when the
sink holds a message for every row. Two `celery worker --concurrency=1` processes share the work (a full
batch queues the next sweep before sending). The sink, an aiosmtpd server in this process, notes each
message's envelope recipient only, so duplicates and losses are counted exactly and it costs little CPU.

Uses its own database `outbox_bench` and Redis db 6 (BENCH_DATABASE_URL, BENCH_REDIS_URL to change them).
Run: .venv/bin/python bench/outbox/run.py   (needs PostgreSQL and Redis on 127.0.0.1)
Besides the rate it reports the CPU time each email costs in the workers (pool processes included) and in
this process (the sink, mostly), read from /proc: on a busy machine the rate says how much CPU the others
left, the CPU per email what idle cores would give. BENCH_BREAKDOWN=1 instead sends one batch of 500 in
this process and splits an email's CPU time between the sending thread, the sink thread and the
PostgreSQL backend that served the sender; BENCH_PROFILE=N with it prints the N functions costing the
sender most time (cProfile).
"""

import collections
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
EMAILS = int(os.environ.get("BENCH_EMAILS", "3000"))


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SMTP_PORT = _free_port()
ENV = {
    **os.environ,
    "DEBUG": "False",
    "SECRET_KEY": "bench-" + "x" * 50,
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/outbox_bench"),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"),
    "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
    "CONN_MAX_AGE": "600",  # as in production; it also keeps the workers' backends for the CPU count
    "LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")
sys.path.insert(0, str(ROOT))


class Sink:
    """Counts the messages each recipient receives."""

    def __init__(self):
        self.received = collections.Counter()
        self.last_at = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.update(envelope.rcpt_tos)
            self.last_at = time.monotonic()
        return "250 OK"


def prepare():
    database = ENV["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], stderr=subprocess.DEVNULL, check=False)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=ENV, check=True)


def seed():
    """Fresh awards, no claim tokens and no outbox rows: every run sends the same emails from scratch."""
    from badges.models import Award, BadgeTemplate, Certification, ClaimToken, Issuer
    from outbox.models import OutboxEmail

    OutboxEmail.objects.all().delete()
    ClaimToken.objects.all().delete()
    issuer, _ = Issuer.objects.get_or_create(
        slug="bench", defaults={"name": "Bench Programme", "url": "https://x.example"}
    )
    certification, _ = Certification.objects.get_or_create(slug="bench", defaults={"name": "Bench Certified"})
    template, _ = BadgeTemplate.objects.get_or_create(
        slug="bench", defaults={"issuer": issuer, "certification": certification, "name": "Bench Certified"}
    )
    Award.objects.filter(template=template).delete()
    return Award.objects.bulk_create(
        Award(template=template, recipient_email=f"earner{n}@bench.example", recipient_name=f"Earner {n}")
        for n in range(EMAILS)
    )


def start_workers():
    celery = str(Path(PYTHON).parent / "celery")
    workers = []
    for number in (1, 2):
        command = [celery, "-A", "badgeportal", "worker", "--concurrency=1", f"--hostname=bench{number}@%h"]
        command += ["--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=WARNING"]
        workers.append(subprocess.Popen(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL))
    from badgeportal.celery import app

    for _ in range(120):
        replies = app.control.ping(timeout=0.5)
        if len(replies) >= 2:
            return workers
    raise SystemExit("the workers did not start")


def cpu_seconds(pids):
    """User + system CPU time of the processes `pids` so far, from /proc/<pid>/stat."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def worker_pids(workers):
    pids = []
    for worker in workers:
        pids.append(worker.pid)
        children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
        pids += [int(pid) for pid in children.read_text().split()] if children.exists() else []
    return pids


def drain(awards, sink):
    from django.db import transaction

    from badges.awards.services import CLAIM_EMAIL
    from outbox.models import OutboxEmail
    from outbox.services import outbox_enqueue_many

    with transaction.atomic():
        outbox_enqueue_many(
            emails=[OutboxEmail(kind=CLAIM_EMAIL, to=a.recipient_email, payload={"award_id": a.pk}) for a in awards]
        )
    started = time.monotonic()  # the commit just queued the first sweep
    deadline = started + max(300, EMAILS / 5)  # a drain this slow is broken: stop and count
    while len(sink.received) < EMAILS and time.monotonic() < deadline:
        time.sleep(0.05)
    finished = sink.last_at or time.monotonic()
    time.sleep(3)  # anything sent twice would arrive by now
    return finished - started


def breakdown(awards):
    from django.db import connection

    from badges.awards.services import CLAIM_EMAIL
    from outbox.models import OutboxEmail
    from outbox.services import outbox_claim, outbox_enqueue_many, outbox_preview, outbox_send_batch

    batch = awards[:500]
    outbox_enqueue_many(
        emails=[OutboxEmail(kind=CLAIM_EMAIL, to=a.recipient_email, payload={"award_id": a.pk}) for a in batch]
    )
    rows = outbox_claim(limit=len(batch))
    # A worker loads the URL patterns and compiles the templates once, at its first email: not an email's cost.
    outbox_preview(row=rows[0])
    backend = connection.connection.info.backend_pid
    started = time.monotonic(), time.thread_time(), time.process_time(), cpu_seconds([backend])
    if os.environ.get("BENCH_PROFILE"):
        # Wall time per function: on a loaded machine read the shares of the CPU-bound steps (rendering,
        # the MIME message, the ORM), not the waits (socket reads, commits), which the load inflates.
        import cProfile
        import pstats

        profile = cProfile.Profile()
        sent = profile.runcall(outbox_send_batch, rows=rows)
    else:
        sent = outbox_send_batch(rows=rows)
    wall, thread, process, database = (
        time.monotonic() - started[0],
        time.thread_time() - started[1],
        time.process_time() - started[2],
        cpu_seconds([backend]) - started[3],
    )
    print(f"{sent} emails from one process in {wall:.1f} s: {sent / wall:.0f}/s, {wall * 1000 / sent:.1f} ms each")
    for name, seconds in [("sender", thread), ("sink", process - thread), ("PostgreSQL backend", database)]:
        print(f"  CPU, {name}: {seconds * 1000 / sent:.2f} ms per email")
    if os.environ.get("BENCH_PROFILE"):
        pstats.Stats(profile).sort_stats("cumulative").print_stats(int(os.environ["BENCH_PROFILE"]))


LOAD_BEFORE = f"{os.getloadavg()[0]:.1f}"


def main():
    from aiosmtpd.controller import Controller

    prepare()
    import django

    django.setup()
    from badgeportal.celery import app

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    awards = seed()
    if os.environ.get("BENCH_BREAKDOWN"):
        breakdown(awards)
        controller.stop()
        return
    app.control.purge()
    workers = start_workers()
    try:
        workers_before, own_before = cpu_seconds(worker_pids(workers)), time.process_time()
        seconds = drain(awards, sink)
        cpu = {
            "workers": cpu_seconds(worker_pids(workers)) - workers_before,
            "sink (this process)": time.process_time() - own_before,
        }
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
        controller.stop()

    from outbox.models import OutboxEmail

    expected = {a.recipient_email for a in awards}
    delivered = len(sink.received)
    duplicates = sum(count - 1 for count in sink.received.values())
    # A row the database says was sent that never arrived is lost; one still unsent had no time.
    unsent = set(OutboxEmail.objects.filter(sent_at__isnull=True).values_list("to", flat=True))
    lost = len(expected - set(sink.received) - unsent)
    rate = delivered / seconds
    row = f"| {EMAILS} | 2 x concurrency 1 | {seconds:.1f} s | {rate:.0f} | {duplicates} | {lost} | {len(unsent)} |"
    print("| emails | workers | drain time | emails/s | duplicates | lost | still unsent |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(row)
    per_email = {name: seconds * 1000 / delivered for name, seconds in cpu.items()}
    total = sum(per_email.values())
    print("CPU per email: " + ", ".join(f"{name} {ms:.1f} ms" for name, ms in per_email.items()), end="")
    print(f"; {total:.1f} ms in all (PostgreSQL's share: BENCH_BREAKDOWN=1)")
    print(f"load average before and after: {LOAD_BEFORE} / {os.getloadavg()[0]:.1f}")
    with open(ROOT / "bench" / "results.md", "a") as results:
        results.write(f"outbox drain {time.strftime('%Y-%m-%d %H:%M')}: {row}\n")


if __name__ == "__main__":
    main()
