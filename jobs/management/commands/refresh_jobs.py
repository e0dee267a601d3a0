from django.core.management.base import BaseCommand, CommandError

from badges.models import Certification
from jobs.models import JobSource
from jobs.services import jobs_source_run


class Command(BaseCommand):
    help = "Refresh job postings from one source now (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("source", choices=JobSource.Name.values)
        parser.add_argument(
            "--all-certifications",
            action="store_true",
            help="Every certification tied to an occupation, not only those held as accepted badges.",
        )

    def handle(self, *args, source, all_certifications=False, **options):
        job_source = JobSource.objects.filter(name=source).first()
        if job_source is None:
            raise CommandError(f"No job source named {source}; run migrate first.")
        certifications = None
        if all_certifications:
            certifications = Certification.objects.filter(occupation_links__isnull=False).distinct().order_by("pk")
        outcome = jobs_source_run(source=job_source, certifications=certifications)
        if outcome is None:
            self.stdout.write(f"{job_source}: not configured (API keys are not set)")
            return
        self.stdout.write(
            f"{job_source} postings: {outcome.fetched} fetched, {outcome.created} created, "
            f"{outcome.updated} updated, {outcome.closed} closed, {outcome.bad_records} bad records"
            + ("" if outcome.ok else " (some certifications failed; see the job source in admin)")
        )
