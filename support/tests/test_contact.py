import pytest
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from outbox.models import OutboxEmail
from support.models import SupportRequest, SupportStatus

pytestmark = pytest.mark.django_db

URL = reverse("support_contact")


def form_data(**changes):
    return {
        "name": "Lin Park",
        "email": "Lin@Example.com",
        "concerning": "AZ-104",
        "message": "My claim link says it expired.",
        "website": "",
        **changes,
    }


def test_the_form_files_a_request_and_acknowledges_it_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data())

    assert response.status_code == 302
    assert response.url == reverse("support_contact_sent")
    request = SupportRequest.objects.get()
    assert (request.email, request.concerning, request.status, request.user) == (
        "lin@example.com",
        "AZ-104",
        SupportStatus.OPEN,
        None,
    )
    assert OutboxEmail.objects.filter(kind="support_ack").count() == 1
    assert len(mail.outbox) == 1
    ack = mail.outbox[0]
    assert ack.to == ["lin@example.com"]
    assert "AZ-104" in ack.subject
    assert "My claim link says it expired." in ack.body
    assert "https://badges.example.org/help/" in ack.alternatives[0].content


def test_a_signed_in_user_finds_the_form_prefilled_and_the_request_linked(client):
    user = UserFactory(full_name="Ada Lovelace", email="ada@example.com")
    client.force_login(user)

    page = client.get(URL)
    client.post(URL, form_data(name="Ada Lovelace", email="ada@example.com"))

    assert 'value="Ada Lovelace"' in page.text
    assert 'value="ada@example.com"' in page.text
    assert SupportRequest.objects.get().user == user


def test_a_filled_honeypot_looks_like_success_and_files_nothing(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form_data(website="https://spam.example"))

    assert response.status_code == 302
    assert response.url == reverse("support_contact_sent")
    assert not SupportRequest.objects.exists()
    assert len(mail.outbox) == 0


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client):
    response = client.get(URL)

    assert '<div class="hp-field" aria-hidden="true">' in response.text
    assert 'tabindex="-1"' in response.text
    assert response.text.count('name="website"') == 1


def test_a_missing_message_is_shown_and_nothing_is_filed(client):
    response = client.post(URL, form_data(message=""))

    assert response.status_code == 200
    assert "This field is required." in response.text
    assert not SupportRequest.objects.exists()


def test_the_form_is_rate_limited_per_address(client):
    for _ in range(5):
        assert client.post(URL, form_data()).status_code == 302

    response = client.post(URL, form_data(message="A long message\nI would hate to type again."))

    assert response.status_code == 429
    assert SupportRequest.objects.count() == 5
    assert "this one was not sent" in response.text
    form = response.context["form"]
    assert form["message"].value() == "A long message\nI would hate to type again."
    assert "A long message\nI would hate to type again.</textarea>" in response.text
    assert 'value="Lin Park"' in response.text
    assert client.get(URL).status_code == 200  # Reading the form is not limited.


def test_the_sent_page_renders(client):
    response = client.get(reverse("support_contact_sent"))

    assert response.status_code == 200
    assert "your message is on its way" in response.text
