import email.policy
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from outbox.registry import templated_email

TRICKY = "O'Brien & <Partners>"


class Anything:
    """Any attribute of it is itself, and it prints as text an HTML escaper would change."""

    def __getattr__(self, name):
        return self

    def __str__(self):
        return TRICKY


def _email_templates():
    subjects = sorted(Path(settings.BASE_DIR, "templates").glob("**/email/*_subject.txt"))
    return [str(path.relative_to(Path(settings.BASE_DIR, "templates")))[: -len("_subject.txt")] for path in subjects]


@pytest.mark.parametrize("template", _email_templates())
def test_subject_and_text_body_are_not_html_escaped(template):
    base = Path(settings.BASE_DIR, "templates", template)
    sources = base.with_name(base.name + "_subject.txt").read_text() + base.with_suffix(".txt").read_text()
    # Every variable the templates name (and a few tag names, harmlessly), as text that escaping would change.
    names = set(re.findall(r"{[{%]\s*(?:if\s+)?(\w+)", sources)) - {"SITE_URL"}
    context = {name: Anything() for name in names}

    message = templated_email(to="someone@example.com", template=template, context=context)

    assert TRICKY in message.subject
    assert TRICKY in message.body
    assert "&#x27;" not in message.subject + message.body
    assert "O&#x27;Brien &amp; &lt;Partners&gt;" in message.alternatives[0].content


def test_every_email_template_is_checked():
    assert "support/email/ack" in _email_templates()


@pytest.mark.parametrize("policy", [email.policy.SMTP, email.policy.default])
def test_the_outbox_message_serialises_to_the_bytes_django_would_send(policy):
    """`OutboxMessage` only reuses the header classes: every byte is the same (the MIME boundary is random)."""
    fixed = {"Message-ID": "<fixed@badges.example.org>", "Date": "Mon, 30 Nov 2026 09:00:00 +0000"}
    context = {"award": Anything(), "template": Anything(), "issuer": Anything(), "claim_url": "https://x.example/c"}
    ours = templated_email(to="zoë@example.org", template="badges/email/claim", context=context, headers=fixed)
    django = EmailMultiAlternatives(
        subject=ours.subject, body=ours.body, from_email=ours.from_email, to=ours.to, headers=fixed
    )
    django.attach_alternative(ours.alternatives[0].content, "text/html")

    def sent(message):
        data = message.message(policy=policy).as_bytes()
        return re.sub(rb"=+\d+==", b"BOUNDARY", data)

    assert sent(ours) == sent(django)
    assert b"O'Brien & <Partners>" in sent(ours)  # the real content went through
