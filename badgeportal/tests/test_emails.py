"""Every email we send, ours and allauth's, in the one responsive layout with a plain-text part."""

import re
from datetime import date, datetime
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core.context import request_context
from django.core import mail
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.awards.services import CLAIM_EMAIL, EXPIRED_EMAIL, RENEWED_EMAIL, REVOKED_EMAIL, award_renew, award_revoke
from badges.catalog.images import badge_images_generate
from badges.reminders.services import REMINDER_EMAIL
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory
from outbox import registry
from outbox.models import OutboxEmail
from support.models import SupportRequest

pytestmark = pytest.mark.django_db

SITE = "https://badges.example.org"  # SITE_URL in tests (conftest)
# A name and a message a template could mangle: HTML-escaped in a subject, or markup leaking into the text.
TRICKY = "O'Brien & <Sons>"


def assert_in_our_layout(message):
    """HTML and text parts, a fluid layout, absolute image URLs, a subject as typed."""
    assert message.body.strip(), "no text part"
    assert not re.search(r"</?(p|a|div|h1|br|strong|img)\b", message.body), "markup in the text part"
    html_parts = [content for content, mimetype in message.alternatives if mimetype == "text/html"]
    assert len(html_parts) == 1, "no HTML part"
    html = html_parts[0]
    assert "max-width:600px" in html  # the layout's container: fluid up to 600 px
    without_images = re.sub(r"<img\b[^>]*>", "", html)
    assert not re.search(r"\bwidth=\"\d", without_images), "a fixed-width element"
    assert not re.search(r"(?<![\w-])width:\s*\d+px", without_images), "a fixed-width element"
    for src in re.findall(r"<img\b[^>]*\bsrc=\"([^\"]+)\"", html):
        assert src.startswith(SITE + "/"), f"image URL not absolute: {src}"
    assert not re.search(r"&(amp|lt|gt|quot|#x?[0-9a-f]+);", message.subject, re.IGNORECASE), message.subject
    assert "Hello from" not in message.body
    assert "badgeportal" in html and "badgeportal" in message.body  # SITE_NAME, not the request's host
    return html


def badge_image_srcs(html):
    return re.findall(r"<img\b[^>]*\bsrc=\"(" + re.escape(SITE) + r"/media/badges/[^\"]+\.png)\"", html)


def _claim_row():
    award = AwardFactory(recipient_name=TRICKY)
    return OutboxEmail(kind=CLAIM_EMAIL, to=award.recipient_email, payload={"award_id": award.pk})


def _share_row():
    award = AcceptedAwardFactory(recipient_name=TRICKY)
    return OutboxEmail(kind="share", to="friend@example.com", payload={"award_id": award.pk, "message": TRICKY})


def _support_request():
    return SupportRequest.objects.create(name=TRICKY, email="asker@example.com", concerning=TRICKY, message=TRICKY)


def _support_ack_row():
    return OutboxEmail(kind="support_ack", to="asker@example.com", payload={"request_id": _support_request().pk})


def _support_reply_row():
    payload = {"request_id": _support_request().pk, "reply": TRICKY}
    return OutboxEmail(kind="support_reply", to="asker@example.com", payload=payload)


def _login_failures_row():
    user = UserFactory(full_name=TRICKY)
    return OutboxEmail(kind="login_failures", to=user.email, payload={"user_id": user.pk, "failures": 10})


def _revoked_row():
    award = AcceptedAwardFactory(recipient_name=TRICKY)
    award_revoke(award=award, reason=TRICKY)
    return OutboxEmail(kind=REVOKED_EMAIL, to=award.recipient_email, payload={"award_id": award.pk})


def _expired_row():
    template = BadgeTemplateFactory(renewal_url="https://learn.example.org/renew")
    award = AcceptedAwardFactory(template=template, recipient_name=TRICKY, issued_on=date(2020, 1, 1),
                                 expires_on=date(2022, 1, 1))  # fmt: skip
    return OutboxEmail(kind=EXPIRED_EMAIL, to=award.recipient_email, payload={"award_id": award.pk})


def _renewed_row():
    award = AcceptedAwardFactory(recipient_name=TRICKY, issued_on=date(2020, 1, 1), expires_on=date(2022, 1, 1))
    award_renew(award=award, expires_on=date(2031, 3, 31), today=date(2026, 11, 30))
    return OutboxEmail(kind=RENEWED_EMAIL, to=award.recipient_email, payload={"award_id": award.pk})


def _reminder_row():
    award = AwardFactory(recipient_name=TRICKY)
    return OutboxEmail(
        kind=REMINDER_EMAIL, to=award.recipient_email, payload={"award_id": award.pk, "reminder": "first"}
    )


def _expiry_reminder_row():
    template = BadgeTemplateFactory(renewal_url="https://learn.example.org/renew")
    award = AcceptedAwardFactory(template=template, recipient_name=TRICKY, expires_on=date(2099, 1, 1))
    return OutboxEmail(
        kind=REMINDER_EMAIL, to=award.recipient_email, payload={"award_id": award.pk, "reminder": "expiry"}
    )


def _support_staff_row():
    return OutboxEmail(kind="support_staff", to="staff@example.com", payload={"request_id": _support_request().pk})


def _webhook_endpoint_disabled_row():
    from badges.tests.factories import IssuerFactory
    from webhooks.services import ENDPOINT_DISABLED_EMAIL, webhook_endpoint_create

    issuer = IssuerFactory(slug="tricky", name=TRICKY)
    endpoint, _ = webhook_endpoint_create(issuer=issuer, url="https://hooks.example.org/in", events=["award.issued"])
    endpoint.is_active = False
    endpoint.save()
    return OutboxEmail(kind=ENDPOINT_DISABLED_EMAIL, to="staff@example.com", payload={"endpoint_id": endpoint.pk})


OUTBOX_ROWS = {
    "award_revoked": _revoked_row,
    "award_expired": _expired_row,
    "award_renewed": _renewed_row,
    "reminder": _reminder_row,
    "support_staff": _support_staff_row,
    "login_failures": _login_failures_row,
    "claim": _claim_row,
    "share": _share_row,
    "support_ack": _support_ack_row,
    "support_reply": _support_reply_row,
    "webhook_endpoint_disabled": _webhook_endpoint_disabled_row,
}


def test_every_registered_email_kind_is_rendered_here():
    assert registry.kinds() == sorted(OUTBOX_ROWS)


def test_the_expiry_reminder_is_in_our_layout_with_one_click_unsubscribe():
    message = registry.render(_expiry_reminder_row())

    html = assert_in_our_layout(message)
    assert "https://learn.example.org/renew" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


@pytest.mark.parametrize("kind", sorted(OUTBOX_ROWS))
def test_our_emails_use_the_layout_with_a_text_part(kind):
    message = registry.render(OUTBOX_ROWS[kind]())

    html = assert_in_our_layout(message)
    assert "O&#x27;Brien &amp; &lt;Sons&gt;" in html  # escaped in HTML ...
    assert TRICKY in message.body  # ... and as typed in the text


@pytest.mark.parametrize("kind", ["claim", "share"])
def test_claim_and_share_emails_show_the_badge_image_by_its_absolute_url(kind):
    row = OUTBOX_ROWS[kind]()
    badge_images_generate()

    html = assert_in_our_layout(registry.render(row))

    assert len(badge_image_srcs(html)) == 1
    assert 'alt="' in html.split(badge_image_srcs(html)[0])[1].split(">")[0]


def test_support_subjects_keep_what_the_sender_typed():
    message = registry.render(_support_ack_row())

    assert message.subject == f"We received your question about {TRICKY}"


def _allauth_email_prefixes():
    """Every email allauth can send, found by its subject template (`account/email/password_reset_key`, ...)."""
    root = Path(allauth.__file__).parent / "templates"
    return sorted(str(path.relative_to(root))[: -len("_subject.txt")] for path in root.glob("*/email/*_subject.txt"))


def _allauth_context(prefix, user):
    context = {
        "user": user,
        "email": user.email,
        "activate_url": f"{SITE}/accounts/confirm-email/KEY/",
        "key": "KEY",
        "password_reset_url": f"{SITE}/accounts/password/reset/key/1-KEY/",
        "signup_url": f"{SITE}/accounts/signup/",
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
        "timestamp": datetime(2026, 1, 2, 3, 4),
        "from_email": "old@example.com",
        "to_email": "new@example.com",
        "deleted_email": "old@example.com",
        "provider": "LinkedIn",
    }
    if prefix.endswith("_code"):
        context["code"] = "ABC123"
    return context


def test_allauth_has_emails_to_check():
    assert {"account/email/email_confirmation", "account/email/password_reset_key"} <= set(_allauth_email_prefixes())


@pytest.mark.parametrize("prefix", _allauth_email_prefixes())
def test_allauth_emails_use_the_layout_with_a_text_part(prefix, rf):
    user = UserFactory()
    with request_context(rf.get("/")):
        message = get_adapter().render_mail(prefix, user.email, _allauth_context(prefix, user))

    html = assert_in_our_layout(message)
    for url in ("activate_url", "password_reset_url", "signup_url"):
        link = _allauth_context(prefix, user)[url]
        if link in message.body:
            assert f'href="{link}"' in html, f"{url} in the text part only"


def test_sign_up_sends_the_address_confirmation_in_our_layout(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "full_name": "New Person",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
        },
    )

    [message] = mail.outbox
    html = assert_in_our_layout(message)
    assert re.search(r"http://testserver/accounts/confirm-email/[^/\s]+/", message.body)
    assert "Confirm this address" in html


def test_password_reset_email_in_our_layout(client):
    user = UserFactory()

    client.post(reverse("account_reset_password"), {"email": user.email})

    [message] = mail.outbox
    html = assert_in_our_layout(message)
    assert "/accounts/password/reset/key/" in message.body
    assert "Choose a new password" in html


def test_an_allauth_email_sent_outside_a_request_still_names_the_site():
    user = UserFactory()

    message = get_adapter().render_mail("account/email/password_reset_key", user.email, _allauth_context("x", user))

    assert message.body.startswith("Hello,")
    assert_in_our_layout(message)
