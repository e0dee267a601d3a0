"""The renew policy: a row whose address already holds the badge renews it (`award_renew`) instead of issuing."""

import io
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.awards.bulk import award_item_build, awards_issue_many
from badges.awards.services import RENEWED_EMAIL
from badges.awards.signals import award_renewed, awards_issued_in_bulk
from badges.imports.services import award_import_confirm, award_import_create, award_import_run
from badges.models import Award, AwardImport, ImportState
from badges.tests.factories import AcceptedAwardFactory, AwardFactory
from outbox.models import OutboxEmail

from .helpers import csv_bytes

pytestmark = pytest.mark.django_db

HEADER = "template,email,name,issued on,expires on"
NEW_EXPIRY = date(2031, 3, 31)


def held(template, email, expires_on=date(2027, 1, 31), **values):
    """An accepted badge of `template` held by `email`, expiring on `expires_on`."""
    return AcceptedAwardFactory(
        template=template, earner=UserFactory(email=email), issued_on=date(2019, 1, 31), expires_on=expires_on,
        **values,
    )  # fmt: skip


def renewing(*rows, **options):
    return award_import_create(file_name="renewals.csv", data=csv_bytes(*rows, header=HEADER), duplicates="renew",
                               **options)  # fmt: skip


def run(award_import):
    assert award_import_confirm(award_import=award_import, queue=False)
    return award_import_run(import_id=award_import.pk)


def test_the_preview_counts_renewals_apart_from_awards_duplicates_and_refusals(templates):
    exam, _ = templates
    renewable = held(exam, "held@example.com")
    held(exam, "late@example.com", expires_on=date(2032, 1, 1))

    award_import = renewing(
        "AZ-900,held@example.com,Held,2026-11-02,2031-03-31",  # line 2: renewed
        "AZ-900,new@example.com,New,2026-11-02,2031-03-31",  # line 3: awarded
        "AZ-900,new@example.com,New,2026-11-02,2031-03-31",  # line 4: repeats line 3
        "AZ-900,late@example.com,Late,2026-11-02,2031-03-31",  # line 5: earlier than its expiry: refused
        "AZ-900,bad,Bad,2026-11-02,2031-03-31",  # line 6: a bad row
    )

    counts = ("to_create", "to_renew", "duplicate_count", "renew_refused", "error_count")
    assert tuple(getattr(award_import, name) for name in counts) == (1, 1, 1, 1, 1)
    assert [row[0] for row in award_import.report] == [6, 4, 5]
    refusal = "cannot renew: The new expiry date is not after the current one (2032-01-01)."
    assert award_import.report[2] == [5, "expires on", "2031-03-31", refusal]
    renewable.refresh_from_db()
    assert (renewable.expires_on, renewable.renewed_on) == (date(2027, 1, 31), None)  # the preview writes nothing
    assert Award.objects.count() == 2


def test_confirming_renews_the_held_badge_everywhere_and_awards_the_new_address(
    client, templates, django_capture_on_commit_callbacks
):
    exam, _ = templates
    award = held(exam, "held@example.com")
    client.get(reverse("award_credential_json", args=[award.public_id]))  # cached as a verifier would leave it
    award_import = renewing(
        "AZ-900,held@example.com,Held,2026-11-02,2031-03-31",
        "AZ-900,new@example.com,New,2026-11-02,2031-03-31",
    )

    with django_capture_on_commit_callbacks(execute=True):  # the public cache is cleared once it commits
        done = run(award_import)

    assert (done.state, done.created, done.renewed, done.skipped, done.renew_refused) == (ImportState.DONE, 1, 1, 0, 0)
    award.refresh_from_db()
    assert (award.expires_on, award.renewed_on) == (NEW_EXPIRY, timezone.localdate())
    ob3 = client.get(reverse("award_credential_json", args=[award.public_id])).json()
    assert ob3["validUntil"] == "2031-03-31T23:59:59+00:00"
    # The renewed badge is already its earner's: the only claim email is the new award's; its earner is told.
    assert [email.to for email in OutboxEmail.objects.filter(kind="claim")] == ["new@example.com"]
    assert [email.to for email in OutboxEmail.objects.filter(kind=RENEWED_EMAIL)] == ["held@example.com"]
    assert Award.objects.filter(recipient_email="held@example.com").count() == 1


def test_an_empty_expiry_renews_for_the_templates_validity_from_the_rows_issue_date(templates):
    exam, _ = templates
    exam.validity_months = 24
    exam.save()
    award = held(exam, "held@example.com")

    done = run(renewing("AZ-900,held@example.com,Held,2026-11-02,"))

    award.refresh_from_db()
    assert (done.renewed, award.expires_on) == (1, date(2028, 11, 2))


@pytest.mark.parametrize(
    ("row", "current", "message"),
    [
        ("2026-11-02,2026-12-01", date(2027, 1, 31), "The new expiry date is not after the current one (2027-01-31)."),
        ("2026-11-02,2027-01-31", date(2027, 1, 31), "The new expiry date is not after the current one (2027-01-31)."),
        ("2020-01-02,2021-06-30", date(2020, 6, 30), "The new expiry date is in the past."),
        ("2026-11-02,", date(2027, 1, 31), "Give the new expiry date."),
        ("2026-11-02,2031-03-31", None, "This badge does not expire; there is nothing to renew."),
    ],
    ids=["earlier", "equal", "past", "no-date", "never-expires"],
)
def test_each_refused_renewal_is_reported_by_line_with_the_services_reason(templates, row, current, message):
    exam, _ = templates
    award = held(exam, "held@example.com", expires_on=current)
    rows = ["AZ-900,other@example.com,Other,2026-11-02,2031-03-31", f"AZ-900,held@example.com,Held,{row}"]

    preview = renewing(*rows)
    assert (preview.to_create, preview.to_renew, preview.renew_refused) == (1, 0, 1)
    assert preview.report == [[3, "expires on", row.split(",")[1], f"cannot renew: {message}"]]

    done = run(preview)
    assert (done.created, done.renewed, done.renew_refused) == (1, 0, 1)
    assert done.report == preview.report
    before = award.expires_on
    award.refresh_from_db()
    assert (award.expires_on, award.renewed_on) == (before, None)


def test_a_renewal_refused_at_run_time_is_reported_and_the_rest_is_written(templates):
    exam, _ = templates
    award = held(exam, "held@example.com")
    award_import = renewing("AZ-900,held@example.com,Held,2026-11-02,2031-03-31",
                            "AZ-900,new@example.com,New,2026-11-02,2031-03-31")  # fmt: skip
    assert award_import.to_renew == 1
    Award.objects.filter(pk=award.pk).update(expires_on=date(2032, 1, 1))  # renewed by staff meanwhile

    done = run(award_import)

    assert (done.created, done.renewed, done.renew_refused) == (1, 0, 1)
    assert done.report[0][0] == 2 and "not after the current one (2032-01-01)" in done.report[0][3]


def test_an_anonymised_award_is_never_renewed_no_row_can_name_it(templates):
    exam, _ = templates
    award = held(exam, "held@example.com")
    # Anonymising erases the address (a constraint holds it), so a row for it finds nothing held: a new award.
    # `award_renew`'s own refusal of an anonymised badge (tested with the service) is the guard behind this.
    Award.objects.filter(pk=award.pk).update(
        earner=None, recipient_email="", recipient_name="", is_public=False, anonymised_at=timezone.now()
    )
    done = run(renewing("AZ-900,held@example.com,Held,2026-11-02,2031-03-31"))
    assert (done.created, done.renewed, done.renew_refused) == (1, 0, 0)
    award.refresh_from_db()
    assert (award.expires_on, award.renewed_on) == (date(2027, 1, 31), None)


def test_a_revoked_badge_is_not_held_so_the_row_awards_a_new_one(templates):
    exam, _ = templates
    revoked = held(exam, "held@example.com", revoked_at=timezone.now(), revocation_reason="issued in error")

    done = run(renewing("AZ-900,held@example.com,Held,2026-11-02,2031-03-31"))

    assert (done.created, done.renewed) == (1, 0)
    revoked.refresh_from_db()
    assert revoked.renewed_on is None


def test_a_crash_after_renewing_rolls_the_renewals_back(templates):
    exam, _ = templates
    award = held(exam, "held@example.com")
    award_import = renewing("AZ-900,held@example.com,Held,2026-11-02,2031-03-31",
                            "AZ-900,new@example.com,New,2026-11-02,2031-03-31")  # fmt: skip

    def crash(sender, awards, **kwargs):
        raise MemoryError("killed mid-way")

    awards_issued_in_bulk.connect(crash)
    try:
        assert run(award_import) is None
    finally:
        awards_issued_in_bulk.disconnect(crash)

    award.refresh_from_db()
    assert (award.expires_on, award.renewed_on) == (date(2027, 1, 31), None)
    assert not Award.objects.filter(recipient_email="new@example.com").exists()
    award_import.refresh_from_db()
    assert (award_import.state, award_import.renewed) == (ImportState.FAILED, 0)


def test_a_batch_locks_what_it_holds_in_one_query_and_renews_each_through_the_service(
    templates, django_assert_num_queries
):
    exam, _ = templates
    for n in range(3):
        held(exam, f"held{n}@example.com")
    items = [
        award_item_build(template=exam, email=f"{kind}{n}@example.com", name="Earner", issued_on=date(2026, 11, 2),
                         expires_on=NEW_EXPIRY)
        for kind in ("held", "new") for n in range(3)
    ]  # fmt: skip
    heard = []

    def on_renewed(sender, award, **kwargs):
        heard.append(award.recipient_email)

    award_renewed.connect(on_renewed)
    ContentType.objects.get_for_model(Award)  # cached as in any running process, whatever ran before
    # One batch: 2 for the outer savepoint; the held awards locked in 1; then per renewal 7, through the
    # service: its savepoint and release, the re-read under lock, the audit trail's read of the row as it was
    # and of its template (for the entry's label), the audit entry, the UPDATE. Then the issue as ever: verified
    # owners, INSERT awards, INSERT emails (on PostgreSQL two COPYs, the ids of each reserved first), the
    # import's one audit entry, the issuers' webhook endpoints. The renewal emails: one INSERT (a COPY with its
    # ids reserved on PostgreSQL).
    per_issue = 7 if connection.vendor == "postgresql" else 5
    renewal_emails = 2 if connection.vendor == "postgresql" else 1
    try:
        with django_assert_num_queries(2 + 1 + 3 * 7 + renewal_emails + per_issue):
            result = awards_issue_many(items=items, duplicates="renew")
    finally:
        award_renewed.disconnect(on_renewed)

    assert (result.created, result.renewed, result.refused, result.skipped) == (3, 3, [], [])
    assert sorted(heard) == ["held0@example.com", "held1@example.com", "held2@example.com"]
    assert OutboxEmail.objects.filter(kind="claim").count() == 3
    assert OutboxEmail.objects.filter(kind=RENEWED_EMAIL).count() == 3


def test_an_import_without_emails_renews_without_telling_the_earners(templates):
    exam, _ = templates
    held(exam, "held@example.com")

    done = run(renewing("AZ-900,held@example.com,Held,2026-11-02,2031-03-31", send_email=False))

    assert done.renewed == 1
    assert not OutboxEmail.objects.exists()


@pytest.mark.parametrize("policy", ["skip", "allow"])
def test_skip_and_allow_never_renew(templates, policy):
    exam, _ = templates
    award = held(exam, "held@example.com")
    data = csv_bytes("AZ-900,held@example.com,Held,2026-11-02,2031-03-31", header=HEADER)

    award_import = award_import_create(file_name="awards.csv", data=data, duplicates=policy)
    assert (award_import.to_create, award_import.to_renew, award_import.duplicate_count) == (
        0 if policy == "skip" else 1, 0, 1)  # fmt: skip
    if policy == "allow":
        done = run(award_import)
        assert (done.created, done.renewed) == (1, 0)

    award.refresh_from_db()
    assert (award.expires_on, award.renewed_on) == (date(2027, 1, 31), None)
    assert Award.objects.filter(recipient_email="held@example.com").count() == (1 if policy == "skip" else 2)


def test_the_command_takes_duplicates_renew_and_prints_what_it_renewed(templates, tmp_path):
    exam, _ = templates
    award = held(exam, "held@example.com")
    held(exam, "late@example.com", expires_on=date(2032, 1, 1))
    path = tmp_path / "renewals.csv"
    path.write_bytes(csv_bytes("AZ-900,held@example.com,Held,2026-11-02,2031-03-31",
                               "AZ-900,late@example.com,Late,2026-11-02,2031-03-31",
                               "AZ-900,new@example.com,New,2026-11-02,2031-03-31", header=HEADER))  # fmt: skip

    out = io.StringIO()
    call_command("import_awards", str(path), "--duplicates", "renew", "--dry-run", stdout=out)
    assert "3 rows: 1 to award, 1 to renew, 0 duplicates." in out.getvalue()
    assert "line 3 (expires on: “2031-03-31”): cannot renew: The new expiry date is not after" in out.getvalue()
    award.refresh_from_db()
    assert award.renewed_on is None

    out = io.StringIO()
    call_command("import_awards", str(path), "--duplicates", "renew", "--no-email", stdout=out, stderr=io.StringIO())
    assert (
        "Awarded 1 badges, renewed 1, refused 1 renewals, skipped 0 duplicates, left out 0 bad rows" in out.getvalue()
    )
    award.refresh_from_db()
    assert award.expires_on == NEW_EXPIRY


def test_the_admin_previews_confirms_and_lists_renewals(
    client, admin_user, templates, django_capture_on_commit_callbacks
):
    exam, _ = templates
    held(exam, "held@example.com")
    client.force_login(admin_user)
    upload = client.get(reverse("admin:badges_awardimport_add")).text
    assert "Renew: give the badge the address already holds the row" in upload
    data = csv_bytes("AZ-900,held@example.com,Held,2026-11-02,2031-03-31",
                     "AZ-900,new@example.com,New,2026-11-02,2031-03-31", header=HEADER)  # fmt: skip
    form = {"file": SimpleUploadedFile("renewals.csv", data, content_type="text/csv"), "duplicates": "renew",
            "send_email": "on"}  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):  # the check task
        client.post(reverse("admin:badges_awardimport_add"), form)
    award_import = AwardImport.objects.get()
    preview = client.get(reverse("admin:badges_awardimport_preview", args=[award_import.pk])).text
    assert "Badges to award</th><td><strong>1</strong>" in preview
    assert "Badges to renew</th><td><strong>1</strong>" in preview
    assert 'value="Award 1 badge, renew 1"' in preview
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:badges_awardimport_confirm", args=[award_import.pk]))

    result = client.get(reverse("admin:badges_awardimport_result", args=[award_import.pk])).text
    assert "Badges renewed</th><td><strong>1</strong>" in result
    listing = client.get(reverse("admin:badges_awardimport_changelist")).text
    assert 'class="field-renewed">1</td>' in listing


def test_a_file_of_renewals_only_can_be_confirmed(templates):
    exam, _ = templates
    held(exam, "held@example.com")

    award_import = renewing("AZ-900,held@example.com,Held,2026-11-02,2031-03-31")

    assert (award_import.to_create, award_import.to_renew) == (0, 1)
    assert run(award_import).renewed == 1


def test_an_award_of_another_template_is_not_renewed(templates):
    exam, certified = templates
    other = AwardFactory(template=certified, recipient_email="held@example.com", expires_on=date(2027, 1, 31))

    done = run(renewing("AZ-900,held@example.com,Held,2026-11-02,2031-03-31"))

    assert (done.created, done.renewed) == (1, 0)
    other.refresh_from_db()
    assert other.expires_on == date(2027, 1, 31)
