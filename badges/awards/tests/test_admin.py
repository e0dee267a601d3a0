import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.awards.services import award_issue, claim_token_create
from badges.models import Award
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory
from outbox.models import OutboxEmail
from outbox.services import outbox_deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_issue_a_badge_from_admin_and_the_claim_email_goes_out(staff_client, django_capture_on_commit_callbacks):
    template = BadgeTemplateFactory()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:badges_award_add"),
            {"template": template.pk, "recipient_email": "New@Example.com", "recipient_name": "Noor Ali",
             "issued_on": "2026-11-01", "expires_on": ""},
        )  # fmt: skip

    award = Award.objects.get()
    assert response.status_code == 302
    assert award.recipient_email == "new@example.com"
    assert len(mail.outbox) == 1


def test_admin_refuses_a_bad_address_with_a_message(staff_client):
    template = BadgeTemplateFactory()

    response = staff_client.post(
        reverse("admin:badges_award_add"),
        {"template": template.pk, "recipient_email": "nope", "recipient_name": "N", "issued_on": "2026-11-01"},
    )

    assert response.status_code == 200
    assert "Enter a valid email address" in response.text
    assert not Award.objects.exists()


def test_admin_refuses_a_name_with_a_control_character(staff_client):
    template = BadgeTemplateFactory()

    response = staff_client.post(
        reverse("admin:badges_award_add"),
        {"template": template.pk, "recipient_email": "n@example.com", "recipient_name": "Noor\x07Ali",
         "issued_on": "2026-11-01"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "contains a control character" in response.text
    assert not Award.objects.exists()


def test_resend_action_queues_a_claim_email_for_pending_badges_only(staff_client):
    pending = AwardFactory()
    accepted = AcceptedAwardFactory()

    staff_client.post(
        reverse("admin:badges_award_changelist"),
        {"action": "resend_claim_email", "_selected_action": [pending.pk, accepted.pk]},
    )

    assert list(OutboxEmail.objects.values_list("to", flat=True)) == [pending.recipient_email]


@pytest.mark.parametrize(
    "url_name",
    ["admin:badges_award_changelist", "admin:badges_badgetemplate_changelist", "admin:badges_certification_changelist",
     "admin:badges_exam_changelist", "admin:badges_issuer_changelist", "admin:outbox_outboxemail_changelist",
     "admin:accounts_user_changelist", "admin:badges_claimtoken_changelist"],
)  # fmt: skip
def test_admin_lists_render(staff_client, url_name):
    AcceptedAwardFactory()

    response = staff_client.get(reverse(url_name), {"q": "example"})

    assert response.status_code == 200


def test_non_staff_cannot_reach_admin(client):
    client.force_login(UserFactory())

    response = client.get(reverse("admin:badges_award_changelist"))

    assert response.status_code == 302


def test_revoking_from_admin_asks_for_a_reason_then_revokes(staff_client):
    award = AcceptedAwardFactory()
    changelist = reverse("admin:badges_award_changelist")

    confirm = staff_client.post(changelist, {"action": "revoke", "_selected_action": [award.pk]})
    award.refresh_from_db()
    assert "Revoking is final" in confirm.text
    assert award.revoked_at is None

    staff_client.post(changelist, {"action": "revoke", "_selected_action": [award.pk], "reason": "Exam voided"})

    award.refresh_from_db()
    assert award.revoked_at is not None
    assert award.revocation_reason == "Exam voided"


def test_replacing_a_pending_badges_address_retires_the_link_sent_to_the_old_one(
    staff_client, client, django_capture_on_commit_callbacks
):
    award = AwardFactory(recipient_email="wrong@example.com")
    old_link = reverse("claim", args=[claim_token_create(award=award)])

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:badges_award_replace", args=[award.pk]), {"email": "Right@Example.com"}
        )

    assert response.status_code == 302
    award.refresh_from_db()
    assert award.recipient_email == "right@example.com"
    assert client.get(old_link).status_code != 200
    assert [message.to for message in mail.outbox] == [["right@example.com"]]


def test_replacing_the_address_takes_the_badge_from_the_account_of_the_old_one(
    staff_client, django_capture_on_commit_callbacks
):
    wrong_person = UserFactory(email="wrong@example.com")  # with that address verified
    with django_capture_on_commit_callbacks(execute=False):  # its claim email is still waiting in the outbox
        award = award_issue(template=BadgeTemplateFactory(), email="wrong@example.com", name="Noor Ali")
    assert award.earner == wrong_person

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(reverse("admin:badges_award_replace", args=[award.pk]), {"email": "right@example.com"})
    for row in OutboxEmail.objects.filter(sent_at__isnull=True):
        outbox_deliver(row=row)

    award.refresh_from_db()
    assert award.earner is None
    assert [message.to for message in mail.outbox] == [["right@example.com"]]


def test_an_accepted_badges_address_cannot_be_changed(staff_client):
    award = AcceptedAwardFactory()

    response = staff_client.get(reverse("admin:badges_award_change", args=[award.pk]))

    assert 'name="recipient_email"' not in response.text
