"""The data export and account deletion on the real stack: PostgreSQL, Redis as broker, a Celery worker, SMTP."""

import time

import pytest
from django.urls import reverse

from accounts.models import DataExport, DataExportStatus
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import delete_account, download
from badgeportal.tests.stack import wait_until_sent
from badges.awards.services import award_issue
from badges.openbadges.tests.ob_helpers import give_image
from badges.sharing.services import award_share_by_email
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory
from jobs.models import SavedJob
from jobs.tests.factories import JobPostingFactory
from outbox.models import OutboxEmail
from outbox.tasks import outbox_sweep

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def wait_until_finished(export, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if not export.is_unfinished:
            return export
        time.sleep(0.1)
    raise AssertionError(f"The export is still {export.status} after {timeout} s")


def test_the_worker_prepares_the_export_and_only_its_owner_downloads_it(real_services, celery_worker_thread, client):
    earner = UserFactory(email="ada@example.com")
    award = AcceptedAwardFactory(earner=earner)
    give_image(award.template)
    SavedJob.objects.create(user=earner, posting=JobPostingFactory(title="Cloud Engineer at Contoso"))
    client.force_login(earner)

    status_url = client.post(reverse("data_export_start"))["Location"]
    export = wait_until_finished(DataExport.objects.get(user=earner))

    assert export.status == DataExportStatus.READY
    assert "Your download is ready" in client.get(status_url).text
    names = download(client, export).namelist()
    folder = f"badges/{award.template.slug}-{award.public_id}"
    for name in ["account/profile.json", "saved-jobs/saved-jobs.json", f"{folder}/ob3-credential.jwt"]:
        assert name in names
    assert f"{folder}/baked-ob3.png" in names
    client.force_login(UserFactory())
    assert client.get(status_url).status_code == 404
    assert client.get(reverse("data_export_download", args=[export.public_id])).status_code == 404


def test_emails_waiting_for_a_deleted_account_never_go_out(real_services, smtp_inbox, client, request):
    earner = UserFactory(email="ada@example.com")
    award_issue(template=BadgeTemplateFactory(), email="ada@example.com", name="Ada Lovelace")
    # A friend shares a badge with Ada and Carol: only Carol's copy may still go.
    award_share_by_email(award=AcceptedAwardFactory(), recipients=["ada@example.com", "carol@example.com"])
    queued = list(OutboxEmail.objects.values_list("pk", flat=True))

    delete_account(client, earner)
    request.getfixturevalue("celery_worker_thread")  # starts only now, with an empty queue
    assert queued
    outbox_sweep.delay()  # what the beat does: send whatever is due

    assert wait_until_sent({"to": "carol@example.com"})
    assert [message["To"] for message in smtp_inbox.wait_for(2, timeout=2)] == ["carol@example.com"]
