from django.core.management.base import BaseCommand, CommandError

from badges.models import Issuer, IssuerKey
from badges.openbadges.keys import issuer_key_active, issuer_key_rotate


class Command(BaseCommand):
    help = (
        "List an issuer's Open Badges 3.0 signing keys, creating one if it has none. "
        "--rotate makes a new active key; old keys stay published so credentials they signed keep verifying."
    )

    def add_arguments(self, parser):
        parser.add_argument("--issuer", required=True, help="Issuer slug.")
        parser.add_argument("--rotate", action="store_true", help="Retire the active key and create a new one.")

    def handle(self, *args, issuer, rotate, **options):
        found = Issuer.objects.filter(slug=issuer).first()
        if found is None:
            raise CommandError(f"No issuer with slug “{issuer}”.")
        if rotate:
            key = issuer_key_rotate(issuer=found)
            self.stdout.write(self.style.SUCCESS(f"New active key {key.kid}."))
        else:
            issuer_key_active(issuer=found)
        for key in IssuerKey.objects.filter(issuer=found):
            state = "active" if key.is_active else f"retired {key.retired_at:%Y-%m-%d %H:%M}"
            self.stdout.write(f"{key.kid}\t{key.created_at:%Y-%m-%d %H:%M}\t{state}")
