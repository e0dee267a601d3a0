import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from outbox.models import OutboxEmail
from support.models import SupportStatus
from support.services import support_request_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture
def support_request(django_capture_on_commit_callbacks):
    # Committed, so its acknowledgement is sent now and not by the first sweep a test runs.
    with django_capture_on_commit_callbacks(execute=True):
        return support_request_file(name="Lin Park", email="lin@example.com", concerning="AZ-104", message="Help!")


def change_url(support_request):
    return reverse("admin:support_supportrequest_change", args=[support_request.pk])


def test_staff_see_requests_in_a_searchable_list(client, staff, support_request):
    response = client.get(reverse("admin:support_supportrequest_changelist"), {"q": "AZ-104", "status": "open"})

    assert response.status_code == 200
    assert "lin@example.com" in response.text


def test_a_staff_reply_is_emailed_once(client, staff, support_request, django_capture_on_commit_callbacks):
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(support_request), {"status": "open", "reply": "Here is a new link."})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(support_request), {"status": "answered", "reply": ""})

    assert response.status_code == 302
    support_request.refresh_from_db()
    assert support_request.status == SupportStatus.ANSWERED
    assert support_request.staff_reply == "Here is a new link."
    assert support_request.replied_by == staff
    assert support_request.replied_at is not None
    assert OutboxEmail.objects.filter(kind="support_reply").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lin@example.com"]
    assert "Here is a new link." in mail.outbox[0].body
    assert "Help!" in mail.outbox[0].body


def test_closing_without_a_reply_sends_nothing(client, staff, support_request, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url(support_request), {"status": "closed", "reply": "  "})

    support_request.refresh_from_db()
    assert support_request.status == SupportStatus.CLOSED
    assert not OutboxEmail.objects.filter(kind="support_reply").exists()


def test_the_close_action_closes_the_selected_requests(client, staff, support_request):
    client.post(
        reverse("admin:support_supportrequest_changelist"),
        {"action": "mark_closed", "_selected_action": [support_request.pk]},
    )

    support_request.refresh_from_db()
    assert support_request.status == SupportStatus.CLOSED
