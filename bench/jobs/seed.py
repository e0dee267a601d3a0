"""Seed the Jobs tab benchmark: one earner with an accepted badge and BENCH_POSTINGS open postings
that fit its certification (a third also fit a second certification), with realistic text.

Prints the session cookie and the award's public id for run.py. Idempotent: it reuses the data
when the postings are already there.
"""

import os
import random
import sys
from datetime import date, timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from badges.models import Award, AwardState, BadgeTemplate, Certification, Issuer  # noqa: E402
from jobs.matching import region_of  # noqa: E402
from jobs.models import JobPosting  # noqa: E402
from jobs.services import summarize  # noqa: E402

POSTINGS = int(os.environ.get("BENCH_POSTINGS", "100000"))
EMAIL = "bench-earner@example.com"

ROLES = [
    "Cloud Engineer", "Azure Administrator", "Systems Administrator", "Network Engineer", "Security Analyst",
    "Data Engineer", "Data Analyst", "Software Developer", "DevOps Engineer", "Solutions Architect",
    "Help Desk Technician", "Database Administrator", "IT Project Manager", "Power BI Developer",
    "Site Reliability Engineer", "Identity Engineer", "Business Analyst", "Machine Learning Engineer",
]  # fmt: skip
LEVELS = ["", "", "Senior ", "Junior ", "Lead ", "Principal ", "Staff "]
CITIES = [
    "New York, NY", "Los Angeles, CA", "Chicago, IL", "Houston, TX", "Phoenix, AZ", "Philadelphia, PA",
    "San Antonio, TX", "San Diego, CA", "Dallas, TX", "Austin, TX", "Jacksonville, FL", "Columbus, OH",
    "Charlotte, NC", "Indianapolis, IN", "San Francisco, CA", "Seattle, WA", "Denver, CO", "Washington, DC",
    "Boston, MA", "Nashville, TN", "Detroit, MI", "Portland, OR", "Las Vegas, NV", "Atlanta, GA",
    "Minneapolis, MN", "Raleigh, NC", "Miami, FL", "Salt Lake City, UT", "Kansas City, MO", "Pittsburgh, PA",
]  # fmt: skip
TEXT = (
    "azure cloud migration kubernetes terraform networking security identity entra monitoring automation "
    "powershell python sql reporting dashboards governance compliance incident response backup recovery "
    "virtual machines storage containers pipelines devops agile stakeholders documentation troubleshooting "
    "windows linux active directory exchange teams sharepoint intune endpoints firewall vpn load balancing "
    "data warehouse lakehouse fabric spark analytics modelling etl apis microservices javascript csharp dotnet "
    "architecture design reviews mentoring on-call customers budgets vendors licensing audits policies"
)
WORDS = TEXT.split()
COMPANY_A = ["Contoso", "Fabrikam", "Northwind", "Adventure", "Tailspin", "Litware", "Proseware", "Woodgrove",
             "Lucerne", "Wingtip", "Alpine", "Coho", "Margie", "Trey", "Humongous", "Blue Yonder"]  # fmt: skip
COMPANY_B = ["Systems", "Labs", "Health", "Bank", "Energy", "Logistics", "Retail", "Insurance", "Media", "Group"]


def _certifications():
    issuer, _ = Issuer.objects.get_or_create(
        slug="bench", defaults={"name": "Bench Program", "url": "https://bench.example", "email": "b@bench.example"}
    )
    certifications = []
    for n in range(2):
        certification, _ = Certification.objects.get_or_create(
            slug=f"bench-cert-{n}", defaults={"name": f"Bench Certified: Cloud Engineer {n}"}
        )
        BadgeTemplate.objects.get_or_create(
            certification=certification, defaults={"issuer": issuer, "slug": f"bench-{n}", "name": certification.name}
        )
        certifications.append(certification)
    return certifications


def _earner(template):
    user, created = User.objects.get_or_create(email=EMAIL, defaults={"full_name": "Bench Earner"})
    if created:
        user.set_password("bench-password-123")
        user.save()
    award = Award.objects.filter(earner=user, template=template).first() or Award.objects.create(
        template=template,
        earner=user,
        recipient_email=EMAIL,
        recipient_name="Bench Earner",
        state=AwardState.ACCEPTED,
        accepted_at=timezone.now(),
    )
    return user, award


def _postings(certifications):
    if JobPosting.objects.filter(source="bundled", external_id__startswith="bench-").count() >= POSTINGS:
        return
    rng = random.Random(2026)
    today = date.today()
    now = timezone.now()
    through = JobPosting.certifications.through
    batch = 5000
    for start in range(0, POSTINGS, batch):
        rows = []
        for n in range(start, min(start + batch, POSTINGS)):
            low = rng.randrange(45, 190) * 1000
            hourly = rng.random() < 0.08
            city = rng.choice(CITIES)
            description = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(40, 90)))
            rows.append(
                JobPosting(
                    source="bundled",
                    external_id=f"bench-{n}",
                    title=rng.choice(LEVELS) + rng.choice(ROLES),
                    employer=f"{rng.choice(COMPANY_A)} {rng.choice(COMPANY_B)}",
                    locations=city,
                    region=region_of(city),
                    remote=rng.random() < 0.15,
                    salary_min=round(low / 2080, 2) if hourly else low,
                    salary_max=round(low * 1.3 / 2080, 2) if hourly else int(low * 1.3),
                    salary_period="hour" if hourly else "year",
                    annual_salary_min=low,
                    annual_salary_max=int(low * 1.3),
                    posted_on=today - timedelta(days=rng.randrange(0, 120)),
                    apply_url=f"https://jobs.example.com/{n}",
                    description=description,
                    summary=summarize(description),
                    fetched_at=now,
                )
            )
        with transaction.atomic():
            created = JobPosting.objects.bulk_create(rows)
            links = [through(jobposting_id=p.pk, certification_id=certifications[0].pk) for p in created]
            links += [
                through(jobposting_id=p.pk, certification_id=certifications[1].pk)
                for p in created
                if rng.random() < 0.33
            ]
            through.objects.bulk_create(links, batch_size=batch)
    with connection.cursor() as cursor:
        # Flush the GIN pending lists a bulk load leaves behind, as autovacuum would in time.
        cursor.execute("VACUUM ANALYZE jobs_jobposting")
        cursor.execute("ANALYZE")


def _session_cookie(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(24 * 3600)
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def main():
    certifications = _certifications()
    user, award = _earner(certifications[0].badge_template)
    _postings(certifications)
    print(f"COOKIE {_session_cookie(user)}")
    print(f"AWARD {award.public_id}")


if __name__ == "__main__":
    main()
