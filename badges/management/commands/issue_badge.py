from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from badges.awards.services import award_issue
from badges.catalog.selectors import TEMPLATE_REFERENCE_HELP, badge_template_find


def find_template(reference):
    template = badge_template_find(reference)
    if template is None:
        raise CommandError(f"No badge template matches “{reference.strip()}”. {TEMPLATE_REFERENCE_HELP}")
    return template


def iso_date(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"“{text}” is not a date; use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Award a badge to an email address and send the claim email."

    def add_arguments(self, parser):
        parser.add_argument(
            "--template", required=True, help="Template slug, exam code (AZ-900) or certification name."
        )
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="The recipient's full name, as printed on the badge.")
        parser.add_argument("--issued-on", help="YYYY-MM-DD; defaults to today.")
        parser.add_argument("--expires-on", help="YYYY-MM-DD; defaults to the template's validity period.")

    def handle(self, *args, template, email, name, issued_on, expires_on, **options):
        badge_template = find_template(template)
        try:
            award = award_issue(
                template=badge_template,
                email=email,
                name=name,
                issued_on=iso_date(issued_on) if issued_on else None,
                expires_on=iso_date(expires_on) if expires_on else None,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(str(award.public_id))
