from django.core.management.base import BaseCommand

from jobs.labor_import import labor_data_import


class Command(BaseCommand):
    help = "Load BLS wages and projections and the certification-to-occupation map from data/ (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", help="Directory holding the CSV files (default: settings.JOBS_DATA_DIR).")

    def handle(self, *args, data_dir=None, **options):
        counts = labor_data_import(data_dir=data_dir)
        for what in sorted({what for what, _ in counts}):
            outcomes = ", ".join(f"{n} {outcome}" for (w, outcome), n in sorted(counts.items()) if w == what)
            self.stdout.write(f"{what}: {outcomes}")
