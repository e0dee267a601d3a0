import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from badges.imports.parsing import ENCODINGS, ImportFileError
from badges.imports.services import (
    award_import_confirm,
    award_import_create,
    award_import_run,
    plan_preview,
    too_large_message,
)
from badges.models import AwardImport, DuplicatePolicy, ImportState

# Problems printed before "… and N more": the full list is in the admin's CSV report.
PROBLEMS_PRINTED = 50


class ProgressBar:
    """`[#######.............]  35% 35,000 of 100,000` redrawn in place on a terminal, every few percent else."""

    def __init__(self, stream, width=30):
        self.stream, self.width, self.last = stream, width, -1
        self.interactive = stream.isatty()

    def __call__(self, done, total):
        percent = 100 * done // total if total else 100
        if not self.interactive and percent < self.last + 10 and done != total:
            return
        self.last = percent
        filled = self.width * percent // 100
        line = f"[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d}% {done:,} of {total:,}"
        self.stream.write(("\r" if self.interactive else "") + line + ("" if self.interactive else "\n"), ending="")
        self.stream.flush()

    def close(self):
        if self.interactive:
            self.stream.write("\n", ending="")


class Command(BaseCommand):
    help = "Award the badges listed in a CSV file (the admin's import, from a terminal)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV or tab-separated file; columns as on the admin's import page.")
        parser.add_argument("--dry-run", action="store_true", help="Check the file and report; write nothing.")
        parser.add_argument("--no-email", action="store_true", help="Issue without claim emails.")
        parser.add_argument(
            "--duplicates",
            choices=DuplicatePolicy.values,
            default=DuplicatePolicy.SKIP,
            help="skip (default): leave out an address that already holds the badge, or repeats in the file; "
            "allow: award it again; renew: renew the badge the address holds to the row's expiry date "
            "(new addresses are awarded).",
        )
        parser.add_argument("--encoding", choices=list(ENCODINGS), default="", help="Default: detected.")

    def handle(self, *args, file, dry_run, no_email, duplicates, encoding, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        if path.stat().st_size > settings.AWARD_IMPORT_MAX_BYTES:
            raise CommandError(too_large_message())
        data = path.read_bytes()
        try:
            if dry_run:
                return self._dry_run(data, encoding, duplicates)
            award_import = award_import_create(
                file_name=path.name, data=data, encoding=encoding, duplicates=duplicates, send_email=not no_email
            )
        except ImportFileError as error:
            raise CommandError(" ".join(error.messages)) from None
        renewing = duplicates == DuplicatePolicy.RENEW
        self._summary(award_import.rows_total, award_import.to_create, award_import.duplicate_count,
                      award_import.report, to_renew=award_import.to_renew if renewing else None)  # fmt: skip
        if not award_import.to_create and not award_import.to_renew:
            raise CommandError("Nothing to award or renew." if renewing else "Nothing to award.")
        award_import_confirm(award_import=award_import, queue=False)  # this process runs it, with its progress bar
        self._run(award_import)

    def _dry_run(self, data, encoding, duplicates):
        plan = plan_preview(data, encoding=encoding, duplicates=duplicates)
        self._summary(plan.rows, plan.to_create, len(plan.duplicates),
                      [p.as_row() for p in plan.problems + plan.duplicates + plan.refusals],
                      to_renew=plan.to_renew if duplicates == DuplicatePolicy.RENEW else None)  # fmt: skip
        self.stdout.write("Dry run: nothing was written.")

    def _summary(self, rows, to_create, duplicates, problems, to_renew=None):
        renew = f"{to_renew:,} to renew, " if to_renew is not None else ""
        self.stdout.write(f"{rows:,} rows: {to_create:,} to award, {renew}{duplicates:,} duplicates.")
        for line, column, value, message in problems[:PROBLEMS_PRINTED]:
            where = f" ({column}: “{value}”)" if column and value else (f" ({column})" if column else "")
            self.stdout.write(f"  line {line}{where}: {message}")
        if len(problems) > PROBLEMS_PRINTED:
            self.stdout.write(f"  … and {len(problems) - PROBLEMS_PRINTED:,} more.")

    def _run(self, award_import):
        bar = ProgressBar(self.stderr)
        started = time.monotonic()
        award_import_run(import_id=award_import.pk, progress=bar)
        bar.close()
        award_import = AwardImport.objects.get(pk=award_import.pk)
        if award_import.state == ImportState.FAILED:
            raise CommandError(f"The import failed and wrote nothing: {award_import.failure}")
        renewed = ""
        if award_import.duplicates == DuplicatePolicy.RENEW:
            renewed = f"renewed {award_import.renewed:,}, refused {award_import.renew_refused:,} renewals, "
        self.stdout.write(
            f"Awarded {award_import.created:,} badges, {renewed}skipped {award_import.skipped:,} duplicates, "
            f"left out {award_import.failed:,} bad rows in {time.monotonic() - started:.1f} s "
            f"(import {award_import.pk})."
        )
