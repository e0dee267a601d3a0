"""Demo data for `make run`: the catalog, a staff user, an earner with badges, and a badge to claim.

Safe to run again: it only adds what is missing, and sends the newcomer a fresh claim email each time.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import User
from badges.awards.services import award_accept, award_issue, award_resend
from badges.models import Award, AwardState, BadgeTemplate

STAFF = ("staff@badgeportal.example", "Sam Staff")
EARNER = ("ada@badgeportal.example", "Ada Lovelace")
NEWCOMER = ("grace@badgeportal.example", "Grace Hopper")
PASSWORD = "demo-password-123"  # noqa: S105 (printed for the demo on purpose)
EARNER_BADGES = ["az-900", "microsoft-certified-azure-administrator-associate", "pl-300", "sc-900"]


def _user(email, name, **fields):
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name, **fields})
    if created:
        user.set_password(PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _give(earner, slug, *, accept=True):
    template = BadgeTemplate.objects.filter(slug=slug).first()
    if template is None or Award.objects.filter(template=template, recipient_email=earner.email).exists():
        return
    award = award_issue(template=template, email=earner.email, name=earner.full_name)
    if accept:
        award_accept(award=award)


class Command(BaseCommand):
    help = "Load the catalog and demo users and badges (idempotent)."

    def handle(self, *args, **options):
        call_command("import_catalog", stdout=self.stdout)
        call_command("generate_badge_images", stdout=self.stdout)
        call_command("import_labor_data", stdout=self.stdout)
        call_command("refresh_jobs", "bundled", "--all-certifications", stdout=self.stdout)
        with transaction.atomic():
            _user(*STAFF, is_staff=True, is_superuser=True)
            earner = _user(*EARNER)
            for slug in EARNER_BADGES:
                _give(earner, slug)
            _give(earner, "ai-900", accept=False)
            # The claim email carries the one claim link: printing another one here would mint a second,
            # different link for the same badge.
            pending = Award.objects.filter(recipient_email=NEWCOMER[0], state=AwardState.PENDING).first()
            if pending is None:
                template = BadgeTemplate.objects.get(slug="az-104")
                award_issue(template=template, email=NEWCOMER[0], name=NEWCOMER[1])
            else:
                award_resend(award=pending)

        self.stdout.write(
            f"""
Demo data is ready. Password for both accounts: {PASSWORD}
  staff (admin at {settings.SITE_URL}/admin/): {STAFF[0]}
  earner with badges:                         {EARNER[0]}

A badge waits to be claimed by {NEWCOMER[0]}: open the claim link in the email to her, the last
one printed above. Emails are printed where the code that sends them runs: the web server's (sign-up
confirmations) in its terminal. With REDIS_URL set, the Celery worker sends them all instead.

Issue another badge (its claim email is printed in the terminal where you run it):
  .venv/bin/python manage.py issue_badge --template AZ-900 --email you@example.com --name "Your Name"
"""
        )
