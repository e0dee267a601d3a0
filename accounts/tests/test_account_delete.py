import pytest
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import DataExport, User
from accounts.tests.factories import PASSWORD, UserFactory
from accounts.tests.helpers import delete_account, reauthenticate
from badges.awards.services import award_replace_email, award_resend, award_revoke, claim_token_create
from badges.models import Award, AwardState, ClaimToken, ShareChannel, ShareCount
from badges.openbadges import ob3
from badges.openbadges.tests.ob_helpers import give_image
from badges.tests.factories import AcceptedAwardFactory, AwardFactory
from jobs.models import SavedJob
from jobs.tests.factories import JobPostingFactory
from outbox.models import OutboxEmail
from support.models import SupportRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def earner():
    user = UserFactory(email="ada@example.com", full_name="Ada Lovelace")
    EmailAddress.objects.create(user=user, email="ada@work.example", verified=True)
    return user


def public_urls(award):
    badge_page = reverse("award_public", args=[award.public_id])
    urls = [
        badge_page,
        reverse("profile_public", args=[award.earner.public_id]),
        reverse("ob2_assertion", args=[award.public_id]),
        reverse("award_credential_json", args=[award.public_id]),
        reverse("award_credential_jwt", args=[award.public_id]),
        reverse("award_baked_png", args=[award.public_id]),
        reverse("award_baked_ob3_png", args=[award.public_id]),
        reverse("award_og_image", args=[award.public_id]),
        reverse("award_embed", args=[award.public_id]),
        reverse("award_qr", args=[award.public_id]),
        reverse("award_verify", args=[award.public_id]),
        reverse("share_redirect", args=[award.public_id, "linkedin"]),
    ]
    return urls + [reverse("oembed") + "?url=https://badges.example.org" + badge_page]


def test_the_delete_page_asks_for_the_password_again_first(client, earner):
    client.force_login(earner)

    page = client.get(reverse("account_delete"))
    post = client.post(reverse("account_delete"), {"confirm": "on"})

    for response in (page, post):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert User.objects.filter(pk=earner.pk).exists()


def test_a_wrong_password_does_not_open_the_delete_page(client, earner):
    client.force_login(earner)

    client.post(reverse("account_reauthenticate"), {"password": "not the password"})

    assert client.get(reverse("account_delete"))["Location"].startswith(reverse("account_reauthenticate"))


def test_the_page_says_what_is_lost_and_what_the_issuer_keeps(client, earner):
    AcceptedAwardFactory(earner=earner)
    AwardFactory(earner=earner)
    SavedJob.objects.create(user=earner, posting=JobPostingFactory())
    SupportRequest.objects.create(name="Ada", email="ada@work.example", message="Hello")
    reauthenticate(client, earner)

    page = " ".join(client.get(reverse("account_delete")).text.split())

    assert "ada@example.com, ada@work.example" in page
    assert "Your 2 badges and how often you shared them" in page
    assert "1 saved job." in page
    assert "1 support request you sent us" in page
    assert "Emails we were about to send you are cancelled" in page
    assert "What the issuers keep" in page
    assert "no name, no email address and no link to an account" in page


def test_nothing_is_deleted_until_the_box_is_ticked(client, earner):
    reauthenticate(client, earner)

    response = client.post(reverse("account_delete"), {})

    assert response.status_code == 200
    assert "Tick the box to confirm" in response.text
    assert User.objects.filter(pk=earner.pk).exists()


def test_the_delete_form_refuses_a_post_without_the_csrf_token(earner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(earner)
    page = client.get(reverse("account_reauthenticate"))
    token = page.cookies["csrftoken"].value
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD, "csrfmiddlewaretoken": token})

    forged = client.post(reverse("account_delete"), {"confirm": "on"})
    genuine = client.post(reverse("account_delete"), {"confirm": "on", "csrfmiddlewaretoken": token})

    assert forged.status_code == 403
    assert genuine.status_code == 302
    assert not User.objects.filter(pk=earner.pk).exists()


def test_the_account_goes_and_the_browser_is_signed_out_with_a_goodbye(client, earner):
    response = delete_account(client, earner)

    assert "Your account is deleted" in response.text
    assert not User.objects.filter(pk=earner.pk).exists()
    assert not EmailAddress.objects.filter(email__in=["ada@example.com", "ada@work.example"]).exists()
    assert client.get(reverse("wallet"))["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("account_deleted"))["Location"] == reverse("home")  # the goodbye is shown once


def test_the_badges_leave_every_public_address(client, earner, django_capture_on_commit_callbacks):
    award = AcceptedAwardFactory(earner=earner)
    give_image(award.template)
    urls = public_urls(award)
    for url in urls:  # served once, so the public caches hold each answer
        assert client.get(url).status_code in (200, 302), url

    with django_capture_on_commit_callbacks(execute=True):  # the caches are cleared once the deletion commits
        delete_account(client, earner)

    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Ada" not in response.content.decode(errors="replace"), url


def test_the_issuer_keeps_each_award_without_the_person(client, earner):
    held = AcceptedAwardFactory(earner=earner, recipient_email="ada@work.example")
    pending = AwardFactory(earner=earner, recipient_name="Ada L.")
    unclaimed = AwardFactory(recipient_email="ada@work.example")
    claim_token_create(award=pending)
    ShareCount.objects.create(award=held, channel=ShareChannel.X, clicks=2)
    someone_else = AcceptedAwardFactory()
    kept = {award.pk: (award.public_id, award.template_id, award.issued_on, award.state) for award in (held, pending)}

    delete_account(client, earner)

    for award in Award.objects.filter(pk__in=[held.pk, pending.pk, unclaimed.pk]):
        assert (award.earner, award.recipient_email, award.recipient_name, award.is_public) == (None, "", "", False)
        assert award.anonymised_at is not None
        if award.pk in kept:
            assert (award.public_id, award.template_id, award.issued_on, award.state) == kept[award.pk]
    assert not ClaimToken.objects.filter(award__in=[held, pending]).exists()
    assert not ShareCount.objects.filter(award=held).exists()
    someone_else.refresh_from_db()
    assert someone_else.earner is not None and someone_else.anonymised_at is None


def test_the_status_list_still_marks_revoked_awards_of_a_deleted_account(client, earner):
    revoked = AcceptedAwardFactory(earner=earner)
    award_revoke(award=revoked, reason="Exam result withdrawn")
    revoked_later = AcceptedAwardFactory(earner=earner)
    valid = AcceptedAwardFactory(earner=earner)

    delete_account(client, earner)
    award_revoke(award=Award.objects.get(pk=revoked_later.pk), reason="Issued in error")

    token = client.get(reverse("ob3_status_list", args=["contoso"])).content.decode()
    encoded = ob3.jwt.decode(token, options={"verify_signature": False})["credentialSubject"]["encodedList"]
    assert ob3.decode_bit(encoded, revoked.pk) is True
    assert ob3.decode_bit(encoded, revoked_later.pk) is True
    assert ob3.decode_bit(encoded, valid.pk) is False
    assert Award.objects.get(pk=revoked.pk).revocation_reason == "Exam result withdrawn"


def test_an_anonymised_award_cannot_carry_personal_data_again(client, earner):
    award = AcceptedAwardFactory(earner=earner)
    delete_account(client, earner)

    with pytest.raises(IntegrityError):
        Award.objects.filter(pk=award.pk).update(recipient_email="ada@example.com")


def test_an_anonymised_pending_award_goes_to_no_one(client, earner):
    pending = Award.objects.get(pk=AwardFactory(earner=earner, state=AwardState.PENDING).pk)
    delete_account(client, earner)
    pending.refresh_from_db()

    with pytest.raises(ValidationError, match="deleted their account"):
        award_resend(award=pending)
    with pytest.raises(ValidationError, match="deleted their account"):
        award_replace_email(award=pending, email="someone@example.com")


def test_staff_see_an_anonymised_award_in_admin_and_cannot_write_a_person_back(client, earner):
    award = AcceptedAwardFactory(earner=earner)
    delete_account(client, earner)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:badges_award_change", args=[award.pk]))

    assert page.status_code == 200
    assert "a deleted account" in page.text
    assert 'name="recipient_email"' not in page.text and 'name="recipient_name"' not in page.text


def test_emails_waiting_for_the_earner_are_cancelled_and_others_still_go(client, earner):
    for address in ["ada@example.com", "ada@work.example"]:
        OutboxEmail.objects.create(kind="claim", to=address, payload={"award_id": 1})
    OutboxEmail.objects.create(kind="support_ack", to="ada@work.example", sent_at=timezone.now())
    EmailAddress.objects.create(user=earner, email="unproven@example.com", verified=False)
    OutboxEmail.objects.create(kind="claim", to="unproven@example.com")
    OutboxEmail.objects.create(kind="claim", to="bob@example.com")

    delete_account(client, earner)

    # An address Ada never proved may be someone else's: what waits for it is not hers to cancel.
    assert sorted(OutboxEmail.objects.values_list("to", flat=True)) == ["bob@example.com", "unproven@example.com"]


def test_support_requests_saved_jobs_and_export_files_go(client, earner, django_capture_on_commit_callbacks):
    SupportRequest.objects.create(name="Ada", email="ada@work.example", message="Hello")
    SupportRequest.objects.create(name="Bob", email="bob@example.com", message="Hi")
    SavedJob.objects.create(user=earner, posting=JobPostingFactory())
    client.force_login(earner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("data_export_start"))
    export_file = DataExport.objects.get().file.name
    assert default_storage.exists(export_file)

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(client, earner)

    assert list(SupportRequest.objects.values_list("name", flat=True)) == ["Bob"]
    assert not SavedJob.objects.exists()
    assert not DataExport.objects.exists()
    assert not default_storage.exists(export_file)


def test_the_audit_trail_records_the_deletion_without_the_persons_data(client, earner):
    AcceptedAwardFactory(earner=earner)
    OutboxEmail.objects.create(kind="claim", to="ada@example.com")
    user_pk = earner.pk

    delete_account(client, earner)

    entry = LogEntry.objects.get(action=LogEntry.Action.DELETE)
    assert entry.action == LogEntry.Action.DELETE
    assert entry.content_type == ContentType.objects.get_for_model(User)
    assert entry.object_id == user_pk
    assert (entry.actor, entry.actor_email, entry.remote_addr) == (None, None, None)
    assert entry.additional_data == {
        "deleted_by": "account holder",
        "awards_anonymised": 1,
        "support_requests_deleted": 0,
        "emails_cancelled": 1,
        "webhook_payloads_cleared": 0,
        "api_answers_forgotten": 0,
    }
    # Nor in any other entry: the award's (issued to her, accepted by her) keep what happened, not who.
    # (Whole values, not "ada" alone: that also turns up inside random ids.)
    written = str([entry.__dict__ for entry in LogEntry.objects.all()]).lower()
    for personal in ("ada@example.com", "ada@work.example", "ada lovelace", "lovelace", "'ada'"):
        assert personal not in written


def test_staff_deleting_an_account_in_admin_does_the_same_and_is_named(client, earner):
    award = AcceptedAwardFactory(earner=earner)
    staff = UserFactory(is_staff=True, is_superuser=True, email="staff@example.com")
    client.force_login(staff)

    response = client.post(reverse("admin:accounts_user_delete", args=[earner.pk]), {"post": "yes"})

    assert response.status_code == 302
    award.refresh_from_db()
    assert award.anonymised_at is not None and award.recipient_email == ""
    entry = LogEntry.objects.get(action=LogEntry.Action.DELETE)
    assert (entry.actor, entry.actor_email) == (staff, "staff@example.com")
    assert entry.additional_data["deleted_by"] == "staff"
    assert not AdminLogEntry.objects.filter(object_repr__contains="ada").exists()


def test_staff_read_the_audit_trail_in_admin_and_cannot_change_it(client, earner):
    delete_account(client, earner)
    entry = LogEntry.objects.get(action=LogEntry.Action.DELETE)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    listing = client.get(reverse("admin:auditlog_logentry_changelist"), {"q": "Account"})
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))

    assert listing.status_code == 200
    assert f"Account #{entry.object_id}" in listing.text
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.text
    assert client.get(reverse("admin:auditlog_logentry_add")).status_code == 403
    assert client.post(reverse("admin:auditlog_logentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
