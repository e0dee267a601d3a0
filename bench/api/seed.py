"""Seed the API benchmark: an issuer, a badge template, an API key (printed once) and a webhook endpoint,
so each award writes what it writes in production: the award, its claim email and a webhook delivery."""

import os
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "badgeportal.settings")
django.setup()

from api.services import api_key_create  # noqa: E402
from badges.models import BadgeTemplate, Issuer  # noqa: E402
from webhooks.services import webhook_endpoint_create  # noqa: E402

issuer, _ = Issuer.objects.get_or_create(
    slug="bench-issuer", defaults={"name": "Bench Issuer", "url": "https://bench.example.org", "email": "b@example.org"}
)
template, _ = BadgeTemplate.objects.get_or_create(slug="bench-badge", defaults={"issuer": issuer, "name": "Bench"})
if not issuer.webhook_endpoints.exists():
    webhook_endpoint_create(issuer=issuer, url="https://hooks.example.org/in", events=["award.issued"])
_, raw_key = api_key_create(issuer=issuer, name="bench", scopes=["awards:write", "awards:read"])
print("KEY", raw_key)
print("TEMPLATE", template.slug)
