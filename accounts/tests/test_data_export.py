import json
from datetime import timedelta
from urllib.parse import urlsplit

import jwt
import pytest
from allauth.account.models import EmailAddress
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from accounts import personal_data
from accounts.models import DataExport, DataExportStatus
from accounts.services import data_exports_purge
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import download
from badges.models import AwardState, ShareChannel, ShareCount
from badges.openbadges import baking, ob2
from badges.openbadges.tests.ob_helpers import give_image
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory
from jobs.models import SavedJob
from jobs.tests.factories import JobPostingFactory
from support.models import SupportRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def earner():
    user = UserFactory(email="ada@example.com", full_name="Ada Lovelace")
    EmailAddress.objects.create(user=user, email="ada@work.example", verified=True)
    EmailAddress.objects.create(user=user, email="not-proven@example.com", verified=False)
    return user


def request_export(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("data_export_start"))
    assert response.status_code == 302
    return DataExport.objects.latest("created_at")


def read_json(archive, path):
    return json.loads(archive.read(path))


def badge_folder(award):
    return f"badges/{award.template.slug}-{award.public_id}"


def test_the_zip_holds_profile_addresses_saved_jobs_and_support_requests(
    client, earner, django_capture_on_commit_callbacks
):
    posting = JobPostingFactory(title="Cloud Engineer at Contoso")
    SavedJob.objects.create(user=earner, posting=posting)
    SavedJob.objects.create(user=UserFactory(), posting=JobPostingFactory(title="Someone else's job"))
    SupportRequest.objects.create(name="Ada", email="ada@example.com", message="Signed in.", user=earner)
    SupportRequest.objects.create(name="Ada", email="ada@work.example", message="From my work address.")
    SupportRequest.objects.create(name="Ada?", email="not-proven@example.com", message="Anyone could type this.")
    SupportRequest.objects.create(name="Bob", email="bob@example.com", message="Not Ada's.")
    client.force_login(earner)

    archive = download(client, request_export(client, django_capture_on_commit_callbacks))

    assert "README.txt" in archive.namelist()
    profile = read_json(archive, "account/profile.json")
    assert profile["email"] == "ada@example.com"
    assert profile["full_name"] == "Ada Lovelace"
    assert profile["public_profile_id"] == str(earner.public_id)
    addresses = read_json(archive, "account/email-addresses.json")
    assert {(a["email"], a["verified"]) for a in addresses} == {
        ("ada@example.com", True),
        ("ada@work.example", True),
        ("not-proven@example.com", False),
    }
    assert [job["title"] for job in read_json(archive, "saved-jobs/saved-jobs.json")] == ["Cloud Engineer at Contoso"]
    requests = read_json(archive, "support-requests/support-requests.json")
    assert sorted(r["message"] for r in requests) == ["From my work address.", "Signed in."]


def test_each_held_badge_comes_with_its_open_badges_data_and_baked_images(
    client, earner, django_capture_on_commit_callbacks
):
    award = AcceptedAwardFactory(earner=earner, is_public=False)
    give_image(award.template)
    ShareCount.objects.create(award=award, channel=ShareChannel.LINKEDIN, clicks=3)
    client.force_login(earner)

    archive = download(client, request_export(client, django_capture_on_commit_callbacks))

    folder = badge_folder(award)
    record = read_json(archive, f"{folder}/award.json")
    assert record["public_id"] == str(award.public_id)
    assert record["recipient_email"] == "ada@example.com"
    assert record["state"] == "accepted"
    assert record["shown_on_public_profile"] is False
    assert record["shares"] == [
        {"channel": "LinkedIn post", "times": 3, "last_shared_at": record["shares"][0]["last_shared_at"]}
    ]
    assertion = read_json(archive, f"{folder}/ob2-assertion.json")
    assert assertion["id"] == ob2.assertion_url(award)
    assert assertion["recipient"]["identity"] == ob2.recipient_identity("ada@example.com", award.recipient_salt)
    credential = read_json(archive, f"{folder}/ob3-credential.json")
    token = archive.read(f"{folder}/ob3-credential.jwt").decode()
    # The token verifies with the issuer's published key, and carries the credential in the JSON file.
    key_path = urlsplit(jwt.get_unverified_header(token)["kid"]).path
    claims = jwt.decode(token, RSAAlgorithm.from_jwk(client.get(key_path).json()), algorithms=["RS256"])
    assert claims["id"] == credential["id"]
    assert claims["credentialSubject"] == credential["credentialSubject"]
    assert json.loads(baking.unbake(archive.read(f"{folder}/baked-ob2.png"))) == assertion
    assert baking.unbake(archive.read(f"{folder}/baked-ob3.png"), keyword=baking.OB3_KEYWORD) == token


def test_pending_badges_and_badges_without_an_image_bring_only_what_exists(
    client, earner, django_capture_on_commit_callbacks
):
    pending = AwardFactory(earner=earner, recipient_email="ada@work.example", state=AwardState.PENDING)
    unclaimed = AwardFactory(recipient_email="ada@work.example")  # waiting at an address Ada has proven
    no_image = AcceptedAwardFactory(earner=earner)
    client.force_login(earner)

    names = download(client, request_export(client, django_capture_on_commit_callbacks)).namelist()

    assert f"{badge_folder(pending)}/award.json" in names
    assert f"{badge_folder(unclaimed)}/award.json" in names
    assert not [name for name in names if name.startswith(badge_folder(pending)) and "ob" in name.rsplit("/", 1)[1]]
    assert f"{badge_folder(no_image)}/ob3-credential.jwt" in names
    assert f"{badge_folder(no_image)}/baked-ob2.png" not in names


def test_the_zip_holds_nothing_of_anyone_else(client, earner, django_capture_on_commit_callbacks):
    other = AcceptedAwardFactory(recipient_name="Bob Other", template=BadgeTemplateFactory(name="Bob's Badge"))
    AwardFactory(recipient_email="not-proven@example.com")  # an address Ada has not proven
    client.force_login(earner)

    archive = download(client, request_export(client, django_capture_on_commit_callbacks))

    assert not [name for name in archive.namelist() if name.startswith("badges/")]
    everything = b"".join(archive.read(name) for name in archive.namelist())
    assert str(other.public_id).encode() not in everything
    assert b"Bob" not in everything


def test_the_file_is_stored_under_media_at_an_unguessable_path(client, earner, django_capture_on_commit_callbacks):
    client.force_login(earner)

    export = request_export(client, django_capture_on_commit_callbacks)
    another = request_export(client, django_capture_on_commit_callbacks)

    export.refresh_from_db()
    another.refresh_from_db()
    folder, secret, filename = export.file.name.split("/")
    assert folder == "exports"
    assert len(secret) >= 40
    assert secret != another.file.name.split("/")[1]
    assert str(earner.public_id) not in secret and earner.email not in secret
    assert filename == f"badgeportal-data-{timezone.localdate().isoformat()}.zip"
    assert default_storage.exists(export.file.name)
    assert export.expires_at - export.finished_at == timedelta(days=7)


def test_the_status_page_shows_progress_and_reloads_itself_when_asked(client, earner):
    export = DataExport.objects.create(user=earner, status=DataExportStatus.RUNNING, sections_total=4, sections_done=1)
    status_url = reverse("data_export_status", args=[export.public_id])
    client.force_login(earner)

    page = client.get(status_url).text
    refreshing = client.get(status_url, {"refresh": "on"}).text

    assert '<progress id="export-progress" max="4" value="1">' in page
    assert reverse("data_export_download", args=[export.public_id]) not in page
    assert "http-equiv" not in page
    assert f'href="{status_url}?refresh=on"' in page
    assert '<meta http-equiv="refresh" content="3">' in refreshing
    assert "Stop checking" in refreshing


def test_a_ready_export_shows_its_download_link_and_stops_reloading(client, earner, django_capture_on_commit_callbacks):
    client.force_login(earner)
    export = request_export(client, django_capture_on_commit_callbacks)

    response = client.get(reverse("data_export_status", args=[export.public_id]), {"refresh": "on"})

    assert "Your download is ready" in response.text
    assert "http-equiv" not in response.text
    assert "no-store" in response["Cache-Control"]


def test_another_user_gets_404_on_the_status_page_and_the_download(client, earner, django_capture_on_commit_callbacks):
    client.force_login(earner)
    export = request_export(client, django_capture_on_commit_callbacks)
    client.force_login(UserFactory())

    assert client.get(reverse("data_export_status", args=[export.public_id])).status_code == 404
    assert client.get(reverse("data_export_download", args=[export.public_id])).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(client, earner, django_capture_on_commit_callbacks):
    client.force_login(earner)
    export = request_export(client, django_capture_on_commit_callbacks)
    client.logout()

    response = client.get(reverse("data_export_download", args=[export.public_id]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_expired_link_answers_410_with_a_page_that_offers_a_new_download(
    client, earner, django_capture_on_commit_callbacks
):
    client.force_login(earner)
    export = request_export(client, django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("data_export_download", args=[export.public_id]))

    assert response.status_code == 410
    assert "This download link has expired" in response.text
    assert reverse("data_export_start") in response.text


def test_the_purge_deletes_expired_files_and_keeps_current_ones(client, earner, django_capture_on_commit_callbacks):
    client.force_login(earner)
    expired = request_export(client, django_capture_on_commit_callbacks)
    current = request_export(client, django_capture_on_commit_callbacks)
    DataExport.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    expired.refresh_from_db()
    current.refresh_from_db()

    assert data_exports_purge() == 1

    assert not default_storage.exists(expired.file.name)
    assert default_storage.exists(current.file.name)
    expired.refresh_from_db()
    assert (expired.status, expired.file.name) == (DataExportStatus.EXPIRED, "")
    assert client.get(reverse("data_export_download", args=[expired.public_id])).status_code == 410
    assert "expired" in client.get(reverse("data_export_status", args=[expired.public_id])).text


def test_the_purge_fails_an_export_that_lost_its_worker(earner):
    stuck = DataExport.objects.create(user=earner, status=DataExportStatus.RUNNING)
    DataExport.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - timedelta(hours=7))
    recent = DataExport.objects.create(user=UserFactory(), status=DataExportStatus.PENDING)

    data_exports_purge()

    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == DataExportStatus.FAILED
    assert recent.status == DataExportStatus.PENDING


def test_a_second_request_while_one_is_prepared_gets_the_same_export(client, earner):
    client.force_login(earner)

    first = client.post(reverse("data_export_start"))  # its task waits for a commit that never comes here
    second = client.post(reverse("data_export_start"))

    assert first["Location"] == second["Location"]
    assert DataExport.objects.filter(user=earner).count() == 1


def test_requests_beyond_the_rate_limit_are_refused_and_say_so(
    client, earner, settings, django_capture_on_commit_callbacks
):
    settings.DATA_EXPORT_RATE_LIMIT = "2/d"
    client.force_login(earner)
    request_export(client, django_capture_on_commit_callbacks)
    request_export(client, django_capture_on_commit_callbacks)

    response = client.post(reverse("data_export_start"))

    assert response.status_code == 429
    assert "You have asked for several downloads today" in response.text
    assert DataExport.objects.filter(user=earner).count() == 2


def test_a_section_that_fails_marks_the_export_failed_and_the_page_offers_another_try(
    client, earner, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("a bug in a section")
        yield

    monkeypatch.setitem(personal_data._sections, "broken", personal_data.Section("broken", "Broken", export=broken))
    client.force_login(earner)

    export = request_export(client, django_capture_on_commit_callbacks)

    export.refresh_from_db()
    assert export.status == DataExportStatus.FAILED
    page = client.get(reverse("data_export_status", args=[export.public_id])).text
    assert "Something went wrong" in page
    assert "Try again" in page


def test_the_data_page_is_linked_from_the_account_page_and_lists_recent_exports(
    client, earner, django_assert_num_queries
):
    for _ in range(7):
        DataExport.objects.create(user=earner, status=DataExportStatus.FAILED)
    client.force_login(earner)

    account = client.get(reverse("profile_settings")).text
    with django_assert_num_queries(3):  # session, user, exports
        page = client.get(reverse("account_data")).text

    assert reverse("account_data") in account
    assert reverse("account_delete") in account
    assert page.count(reverse("data_export_status", args=[earner.data_exports.first().public_id])) == 1
    assert page.count("<tr>") == 1 + 5
