"""1EdTech's OB 2.0 reference validator against a live server (`make validate-ob` runs these)."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from badges.openbadges.tests.ob_helpers import give_image
from badges.tests.factories import AcceptedAwardFactory
from conftest import require_service

VALIDATOR_PYTHON = Path(django_settings.BASE_DIR) / ".venv-obvalidator" / "bin" / "python"
SCRIPT = Path(django_settings.BASE_DIR) / "tools" / "ob_validate.py"

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _validate(*inputs, email=None):
    if not VALIDATOR_PYTHON.exists():
        require_service("the OB 2.0 reference validator: `make validate-ob` creates .venv-obvalidator/")
    command = [str(VALIDATOR_PYTHON), str(SCRIPT), *map(str, inputs)] + (["--email", email] if email else [])
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    try:
        return result.returncode, json.loads(result.stdout)
    except ValueError:
        sys.stderr.write(result.stderr)
        raise


@pytest.fixture
def site(live_server, settings):
    settings.SITE_URL = live_server.url
    return live_server


def test_reference_validator_accepts_hosted_assertion_and_baked_png(site, client, tmp_path):
    award = AcceptedAwardFactory(expires_on=date(2099, 12, 31))
    give_image(award.template)
    baked = tmp_path / "baked.png"
    baked.write_bytes(client.get(reverse("award_baked_png", args=[award.public_id])).content)
    assertion_url = f"{site.url}/ob/v2/assertions/{award.public_id}"

    returncode, results = _validate(assertion_url, baked, email=award.recipient_email)

    assert [item["report"]["valid"] for item in results] == [True, True], json.dumps(results, indent=2)
    assert returncode == 0
    assert all(item["report"]["errorCount"] == 0 for item in results)


def test_reference_validator_rejects_what_is_not_published(site):
    award = AcceptedAwardFactory(is_public=False)

    returncode, results = _validate(f"{site.url}/ob/v2/assertions/{award.public_id}")

    assert results[0]["report"]["valid"] is False
    assert returncode == 1


def test_reference_validator_checks_the_recipient_hash(site):
    award = AcceptedAwardFactory()
    give_image(award.template)  # OB 2.0 requires a badge class image; without one that is flagged too

    returncode, results = _validate(f"{site.url}/ob/v2/assertions/{award.public_id}", email="someone@example.com")

    assert [m["name"] for m in results[0]["report"]["messages"]] == ["VERIFY_RECIPIENT_IDENTIFIER"]
    assert returncode == 1
