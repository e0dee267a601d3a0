"""/metrics: off unless configured, protected, and reporting the program's own figures."""

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.tests.factories import AcceptedAwardFactory, AwardFactory
from outbox.models import OutboxEmail

pytestmark = pytest.mark.django_db


def sample(text, name, labels=""):
    """The value of one sample line, e.g. sample(text, "badgeportal_awards", '{state="held"}')."""
    prefix = f"{name}{labels} "
    line = next(line for line in text.splitlines() if line.startswith(prefix))
    return float(line[len(prefix) :])


def test_metrics_are_off_until_configured(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", []

    assert client.get(reverse("metrics")).status_code == 404


def test_metrics_want_the_token(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "s3cret-token", []

    assert client.get(reverse("metrics")).status_code == 401
    assert client.get(reverse("metrics"), headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get(reverse("metrics"), headers={"Authorization": "Bearer s3cret-token"}).status_code == 200


def test_metrics_answer_an_allowed_network_without_a_token(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOWED_IPS = "", ["127.0.0.0/8"]

    assert client.get(reverse("metrics"), REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get(reverse("metrics"), REMOTE_ADDR="192.0.2.7").status_code == 401


def test_metrics_report_awards_outbox_and_request_latency(client, settings):
    settings.METRICS_TOKEN = "t"
    AcceptedAwardFactory()
    AcceptedAwardFactory(revoked_at=timezone.now(), revocation_reason="Voided.")
    AwardFactory()
    OutboxEmail.objects.update(sent_at=None)
    OutboxEmail.objects.create(kind="test", to="a@example.com", created_at=timezone.now() - timezone.timedelta(hours=1))
    client.get(reverse("home"))

    text = client.get(reverse("metrics"), headers={"Authorization": "Bearer t"}).text

    assert sample(text, "badgeportal_awards", '{state="issued"}') == 3
    assert sample(text, "badgeportal_awards", '{state="held"}') == 1
    assert sample(text, "badgeportal_awards", '{state="revoked"}') == 1
    assert sample(text, "badgeportal_outbox_emails", '{state="pending"}') == OutboxEmail.objects.count()
    assert sample(text, "badgeportal_outbox_emails", '{state="failed"}') == 0
    assert sample(text, "badgeportal_outbox_oldest_unsent_seconds") >= 3600
    assert 'badgeportal_request_seconds_count{method="GET",status="200",view="home"}' in text


def test_metrics_report_award_imports_by_state_and_their_rows(client, settings):
    from badges.models import AwardImport, ImportState

    settings.METRICS_TOKEN = "t"
    done = {"state": ImportState.DONE, "finished_at": timezone.now(), "data": b""}
    AwardImport.objects.create(file_name="a.csv", created=90, skipped=4, failed=6, **done)
    AwardImport.objects.create(file_name="b.csv", created=10, **done)
    AwardImport.objects.create(file_name="c.csv", data=b"", state=ImportState.RUNNING, created=0)

    text = client.get(reverse("metrics"), headers={"Authorization": "Bearer t"}).text

    assert sample(text, "badgeportal_award_imports", '{state="done"}') == 2
    assert sample(text, "badgeportal_award_imports", '{state="running"}') == 1
    assert sample(text, "badgeportal_award_imports", '{state="failed"}') == 0
    assert sample(text, "badgeportal_award_import_rows", '{result="created"}') == 100
    assert sample(text, "badgeportal_award_import_rows", '{result="skipped"}') == 4
    assert sample(text, "badgeportal_award_import_rows", '{result="failed"}') == 6
