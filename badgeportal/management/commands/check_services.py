from django.core.management.base import BaseCommand, CommandError

from badgeportal.health import run_checks


class Command(BaseCommand):
    help = "Check that the database, migrations, cache, broker and storage are reachable (as /readyz does)."

    def handle(self, *args, **options):
        results = run_checks()
        for name, problem in results.items():
            self.stdout.write(f"{name:<11} {'ok' if problem is None else 'FAILED: ' + problem}")
        failed = [name for name, problem in results.items() if problem]
        if failed:
            raise CommandError(f"Not ready: {', '.join(failed)}")
