import re
from pathlib import Path

import pytest
from django.conf import settings

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
