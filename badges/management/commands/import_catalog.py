from pathlib import Path

from django.core.management.base import BaseCommand

from badges.catalog.importer import import_catalog


class Command(BaseCommand):
    help = "Load certifications, exams and a badge template for each from the catalog CSV files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", type=Path, help="Directory holding the CSV files (default: settings.DATA_DIR)."
        )

    def handle(self, *args, data_dir, **options):
        summary = import_catalog(data_dir)
        for line in summary.lines():
            self.stdout.write(line)
