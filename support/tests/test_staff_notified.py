import pytest
from django.core import mail

from accounts.tests.factories import UserFactory
from outbox.models import OutboxEmail
from outbox.services import outbox_deliver
from support.services import SUPPORT_STAFF_EMAIL, support_request_file

pytestmark = pytest.mark.django_db


def test_active_staff_are_emailed_when_a_request_arrives():
    UserFactory(is_staff=True, email="ops@example.com")
    UserFactory(is_staff=True, is_active=False, email="gone@example.com")
    UserFactory(email="earner@example.com")

    support_request_file(name="Lin Park", email="lin@example.com", message="My link expired.", concerning="AZ-104")
    row = OutboxEmail.objects.get(kind=SUPPORT_STAFF_EMAIL)
    outbox_deliver(row=row)

    message = mail.outbox[-1]
    assert message.to == ["ops@example.com"]
    assert "Lin Park" in message.subject and "AZ-104" in message.subject
    assert "My link expired." in message.body and "/admin/support/supportrequest/" in message.body
    assert message.reply_to == ["lin@example.com"]


def test_the_setting_names_who_is_told(settings):
    settings.SUPPORT_NOTIFY_EMAILS = ["support@example.org"]
    UserFactory(is_staff=True, email="ops@example.com")

    support_request_file(name="Lin", email="lin@example.com", message="Help")

    assert list(OutboxEmail.objects.filter(kind=SUPPORT_STAFF_EMAIL).values_list("to", flat=True)) == [
        "support@example.org"
    ]
