import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from badges.models import Award
from badges.tests.factories import BadgeTemplateFactory, ExamFactory, IssuerFactory
from outbox.models import OutboxEmail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def exam_template():
    exam = ExamFactory(code="AZ-900", title="Microsoft Azure Fundamentals")
    return BadgeTemplateFactory(
        issuer=IssuerFactory(),
        certification=None,
        exam=exam,
        name="AZ-900: Microsoft Azure Fundamentals",
        slug="az-900",
    )


def test_it_issues_by_exam_code_and_sends_the_claim_email(exam_template):
    out = io.StringIO()

    call_command("issue_badge", "--template", "az-900", "--email", "Ana@Example.com", "--name", "Ana Ruiz", stdout=out)

    award = Award.objects.get()
    assert out.getvalue().strip() == str(award.public_id)
    assert award.template == exam_template
    assert award.recipient_email == "ana@example.com"
    assert len(mail.outbox) == 1
    assert "/claim/" in mail.outbox[0].body


def test_it_accepts_dates_and_a_slug(exam_template):
    call_command(
        "issue_badge", "--template", "az-900", "--email", "a@example.com", "--name", "A", "--issued-on", "2025-01-31",
        "--expires-on", "2028-01-31", stdout=io.StringIO(),
    )  # fmt: skip

    award = Award.objects.get()
    assert str(award.issued_on) == "2025-01-31"
    assert str(award.expires_on) == "2028-01-31"


def test_the_template_validity_sets_the_expiry(exam_template):
    exam_template.validity_months = 12
    exam_template.save()

    call_command("issue_badge", "--template", "AZ-900", "--email", "a@example.com", "--name", "A",
                 "--issued-on", "2024-02-29", stdout=io.StringIO())  # fmt: skip

    assert str(Award.objects.get().expires_on) == "2025-02-28"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--template", "az-900", "--email", "not-an-address", "--name", "A"], "not a valid email address"),
        (["--template", "XX-000", "--email", "a@example.com", "--name", "A"], "No badge template matches"),
        (["--template", "az-900", "--email", "a@example.com", "--name", "  "], "name is required"),
        (["--template", "az-900", "--email", "a@example.com", "--name", "Ana\x00Ruiz"], "control character"),
        (["--template", "az-900", "--email", "a@example.com", "--name", "Ana\nRuiz"], "control character"),
        (["--template", "az-900", "--email", "a@example.com", "--name", "A" * 201], "longer than 200 characters"),
        (["--template", "az-900", "--email", "a" * 250 + "@example.com", "--name", "A"], "not a valid email address"),
        (["--template", "az-\x00900", "--email", "a@example.com", "--name", "A"], "No badge template matches"),
        (["--template", "az-900", "--email", "a@example.com", "--name", "A", "--issued-on", "31/1/25"], "not a date"),
        (
            ["--template", "az-900", "--email", "a@example.com", "--name", "A", "--issued-on", "2025-01-31",
             "--expires-on", "2024-01-31"],
            "before the issue date",
        ),
    ],
)  # fmt: skip
def test_bad_input_exits_with_a_clear_message_and_creates_nothing(exam_template, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("issue_badge", *arguments, stdout=io.StringIO())

    assert not Award.objects.exists()
    assert not OutboxEmail.objects.exists()
    assert mail.outbox == []
