"""Reading import files: real exports from Excel and others, and every kind of bad row, with its line number."""

import pytest

from badges.imports.parsing import ImportFileError, plan_file
from badges.models import Award, AwardImport
from badges.tests.factories import AwardFactory

from .helpers import csv_bytes, fixture

pytestmark = pytest.mark.django_db

EXPECTED = [
    ("ana.ruiz@example.com", "Ana Ruiz"),
    ("bjorn.ostergaard@example.com", "Bjørn Østergaard"),
    ("chloe@example.com", "Chloé Lefèvre"),
]


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("excel_utf8_bom.csv", "utf-8", ","),
        ("excel_unicode_text.txt", "utf-16", "\t"),
        ("excel_latin1_semicolon.csv", "cp1252", ";"),
        ("sheets.tsv", "utf-8", "\t"),
    ],
)
def test_exported_files_are_read_whatever_their_encoding_and_delimiter(templates, name, encoding, delimiter):
    plan = plan_file(fixture(name))

    assert (plan.encoding, plan.delimiter) == (encoding, delimiter)
    assert plan.problems == []
    # Excel quoted the one name with a comma in it.
    assert [(item.email, item.name.replace("Ruiz, Ana", "Ana Ruiz")) for item in plan.items] == EXPECTED
    assert [item.template for item in plan.items] == [templates[0], templates[0], templates[1]]


def test_columns_are_mapped_by_alias_and_optional_ones_read(templates):
    plan = plan_file(fixture("excel_utf8_bom.csv"))

    first, second = plan.items[:2]
    assert first.name == "Ruiz, Ana"  # a quoted comma
    assert first.external_id == "C-1001"
    assert str(second.expires_on) == "2028-11-02"
    assert plan_file(fixture("sheets.tsv")).items[0].evidence_url == "https://exams.example.org/reports/C-1001"


def test_quoted_fields_across_lines_keep_line_numbers_right(templates):
    plan = plan_file(fixture("quoted_newlines.csv"))

    assert [(p.line, p.column) for p in plan.problems] == [(2, "recipient name")]
    assert "control character" in plan.problems[0].message
    assert [(item.ref, item.name) for item in plan.items] == [(4, 'Chloé "Clo" Lefèvre')]


def test_an_encoding_chosen_on_the_form_wins(templates):
    data = csv_bytes("AZ-900,zoe@example.com,Zoë Ünal,2026-11-02").decode().encode("cp1252")

    assert plan_file(data, encoding="cp1252").items[0].name == "Zoë Ünal"
    with pytest.raises(ImportFileError, match="not valid UTF-8"):
        plan_file(data, encoding="utf-8")


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("AZ-900,not-an-address,Ana Ruiz,2026-11-02", "recipient email", "is not a valid email address"),
        ("NOPE-1,ana@example.com,Ana Ruiz,2026-11-02", "badge template", "no badge template matches"),
        ("AZ-900,ana@example.com,Ana Ruiz,02/11/2026", "issued on", "is not a date; use YYYY-MM-DD"),
        ("AZ-900,ana@example.com,Ana Ruiz,2026-02-30", "issued on", "is not a real date"),
        ("AZ-900,ana@example.com,Ana Ruiz,", "issued on", "the issued on is missing"),
        ("AZ-900,,Ana Ruiz,2026-11-02", "recipient email", "the recipient email is missing"),
        (",ana@example.com,Ana Ruiz,2026-11-02", "badge template", "the badge template is missing"),
        ("AZ-900,ana@example.com,,2026-11-02", "recipient name", "the recipient name is missing"),
        ("AZ-900,ana@example.com," + "A" * 201 + ",2026-11-02", "recipient name", "longer than 200 characters"),
        ("AZ-900,ana@example.com,Ana Ruiz,2026-11-02,extra", "", "the row has 5 values but the header names 4"),
    ],
)
def test_every_bad_row_gets_its_line_and_reason(templates, row, column, message):
    data = csv_bytes("AZ-900,good@example.com,Good Row,2026-11-01", row)

    plan = plan_file(data)

    assert len(plan.items) == 1
    assert [(p.line, p.column) for p in plan.problems] == [(3, column)]
    assert message in plan.problems[0].message


def test_an_expiry_before_the_issue_date_and_over_long_optional_values_are_refused(templates):
    header = "template,email,name,issued on,expires on,earner id,evidence url"
    data = csv_bytes(
        "AZ-900,a@example.com,A,2026-11-02,2026-11-01,,",
        "AZ-900,b@example.com,B,2026-11-02,,%s," % ("9" * 101),
        "AZ-900,c@example.com,C,2026-11-02,,,javascript:alert(1)",
        header=header,
    )

    problems = [(p.line, p.column, p.message) for p in plan_file(data).problems]

    assert problems == [
        (2, "expires on", "The expiry date is before the issue date."),
        (3, "earner id", "The earner id is longer than 100 characters."),
        (4, "evidence URL", "“javascript:alert(1)” is not an http or https address."),
    ]


def test_duplicates_in_the_file_and_already_awarded_are_counted(templates):
    AwardFactory(template=templates[0], recipient_email="held@example.com")
    AwardFactory(template=templates[0], recipient_email="revoked@example.com", revoked_at="2026-01-01T00:00Z",
                 revocation_reason="error")  # fmt: skip
    data = csv_bytes(
        "AZ-900,held@example.com,Held,2026-11-02",
        "AZ-900,revoked@example.com,Revoked Before,2026-11-02",
        "AZ-900,twice@example.com,Twice,2026-11-02",
        "az-900,TWICE@example.com,Twice Again,2026-11-03",
        "cloud-engineer,twice@example.com,Other Badge,2026-11-03",
        "AZ-900,held@example.com,Held Again,2026-11-02",
    )

    plan = plan_file(data)

    assert [(p.line, p.message) for p in plan.duplicates] == [
        (2, "already holds this badge (not revoked)"),
        (5, "repeats line 4"),
        (7, "repeats line 2"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\r\n  \r\n", "The file is empty."),
        (fixture("header_only.csv"), "The file has a header but no rows."),
        (fixture("awards.xlsx"), "This is an Excel workbook (.xlsx or .xls), not a CSV file."),
        (fixture("badge.png"), "This is not a text file"),
        (csv_bytes("x", header="template,email,name,issued on,favourite colour"), "unknown column “favourite colour”"),
        (csv_bytes("x", header="template,name,issued on"), "missing column recipient email"),
        (csv_bytes("x", header="template,email,first name,issued on"), "recipient name (or first name and last name)"),
        (csv_bytes("x", header="email,e-mail,template,name,issued on"), "recipient email column appears twice"),
    ],
)
def test_files_that_cannot_be_imported_say_why(templates, data, message):
    with pytest.raises(ImportFileError) as caught:
        plan_file(data)

    assert message in caught.value.messages[0]


def test_the_row_cap_is_a_setting(templates, settings):
    settings.AWARD_IMPORT_MAX_ROWS = 3
    rows = [f"AZ-900,e{n}@example.com,E {n},2026-11-02" for n in range(4)]

    with pytest.raises(ImportFileError, match="more than 3 rows"):
        plan_file(csv_bytes(*rows))
    assert len(plan_file(csv_bytes(*rows[:3])).items) == 3


def test_reading_writes_nothing(templates):
    plan_file(fixture("excel_utf8_bom.csv"))

    assert not Award.objects.exists()
    assert not AwardImport.objects.exists()
