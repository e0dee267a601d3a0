import csv
import shutil
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from badgeportal.tests import SAMPLE_DATA_DIR
from badges.catalog.importer import import_catalog
from badges.models import BadgeTemplate, Certification, Exam, Status

pytestmark = pytest.mark.django_db

AZ_ADMIN = "Microsoft Certified: Azure Administrator Associate"
CATALOG_FILES = [
    "microsoft_certifications.csv",
    "microsoft_exams.csv",
    "microsoft_exams_history_only.csv",
    "cert_to_soc.csv",
]


@pytest.fixture
def data_dir(tmp_path):
    """A copy of the sample catalog (a slice of the real files) that a test may edit."""
    copy = tmp_path / "data"
    copy.mkdir()
    for name in CATALOG_FILES:
        shutil.copy(SAMPLE_DATA_DIR / name, copy / name)
    return copy


def csv_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def edit_csv(path, change):
    """Rewrite `path`, passing each row through `change` (return None to drop the row)."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames, list(reader)
    rows = [new for new in (change(dict(row)) for row in rows) if new is not None]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def counts(summary, outcome):
    return {kind: summary.counts[(kind, outcome)] for kind in ("certification", "exam", "badge template")}


def test_a_second_import_changes_nothing(data_dir):
    import_catalog(data_dir)
    before = list(BadgeTemplate.objects.values_list("pk", "updated_at"))

    summary = import_catalog(data_dir)

    assert (
        counts(summary, "added")
        == counts(summary, "updated")
        == counts(summary, "retired")
        == {
            "certification": 0,
            "exam": 0,
            "badge template": 0,
        }
    )
    assert counts(summary, "unchanged") == {
        "certification": Certification.objects.count(),
        "exam": Exam.objects.count(),
        "badge template": BadgeTemplate.objects.count(),
    }
    assert list(BadgeTemplate.objects.values_list("pk", "updated_at")) == before


def test_the_first_import_creates_a_template_per_certification_and_exam(data_dir):
    summary = import_catalog(data_dir)

    assert summary.counts[("certification", "added")] == Certification.objects.count()
    assert Certification.objects.count() == len(csv_rows(data_dir / "microsoft_certifications.csv"))
    assert BadgeTemplate.objects.count() == Certification.objects.count() + Exam.objects.count()
    assert BadgeTemplate.objects.get(slug="az-104").exam.code == "AZ-104"


def test_a_changed_retirement_date_updates_the_row(data_dir):
    import_catalog(data_dir)
    retired = Exam.objects.filter(status=Status.RETIRED, retired_on__isnull=False).exclude(source_snapshot={})
    exam = retired.filter(code__startswith="70-").first()
    new_date = date(2019, 1, 31)

    def change(row):
        if row["exam_code"] == exam.code:
            row["retired_on"] = new_date.isoformat()
        return row

    edit_csv(data_dir / "microsoft_exams.csv", change)
    summary = import_catalog(data_dir)

    exam.refresh_from_db()
    assert exam.retired_on == new_date
    assert summary.counts[("exam", "updated")] == 1


def test_a_source_retirement_retires_an_active_certification(data_dir):
    import_catalog(data_dir)

    def change(row):
        if row["name"] == AZ_ADMIN:
            row.update(status="retired", retired_on="2027-08-31")
        return row

    edit_csv(data_dir / "microsoft_certifications.csv", change)
    summary = import_catalog(data_dir)

    cert = Certification.objects.get(name=AZ_ADMIN)
    assert (cert.status, cert.retired_on) == (Status.RETIRED, date(2027, 8, 31))
    assert summary.counts[("certification", "retired")] == 1


def test_a_row_that_disappears_is_retired_not_deleted(data_dir):
    import_catalog(data_dir)
    cert_count, exam_count = Certification.objects.count(), Exam.objects.count()
    edit_csv(data_dir / "microsoft_certifications.csv", lambda row: None if row["name"] == AZ_ADMIN else row)
    edit_csv(data_dir / "microsoft_exams.csv", lambda row: None if row["exam_code"] == "AZ-104" else row)

    summary = import_catalog(data_dir)

    assert (Certification.objects.count(), Exam.objects.count()) == (cert_count, exam_count)
    assert Certification.objects.get(name=AZ_ADMIN).status == Status.RETIRED
    assert Exam.objects.get(code="AZ-104").status == Status.RETIRED
    assert BadgeTemplate.objects.filter(exam__code="AZ-104").exists()
    assert summary.counts[("certification", "retired")] == 1
    assert summary.counts[("exam", "retired")] == 1
    # And that is stable: the next run retires nothing more.
    assert import_catalog(data_dir).counts[("exam", "retired")] == 0


def test_a_row_that_comes_back_is_active_again(data_dir):
    import_catalog(data_dir)
    original = (data_dir / "microsoft_exams.csv").read_text()
    edit_csv(data_dir / "microsoft_exams.csv", lambda row: None if row["exam_code"] == "AZ-104" else row)
    import_catalog(data_dir)
    (data_dir / "microsoft_exams.csv").write_text(original)

    import_catalog(data_dir)

    assert Exam.objects.get(code="AZ-104").status == Status.ACTIVE


def test_a_staff_edit_survives_a_reimport(data_dir):
    import_catalog(data_dir)
    Certification.objects.filter(name=AZ_ADMIN).update(level="Intermediate", product="Cloud")
    BadgeTemplate.objects.filter(slug="az-104").update(description="Written by staff.")

    import_catalog(data_dir)

    cert = Certification.objects.get(name=AZ_ADMIN)
    assert (cert.level, cert.product) == ("Intermediate", "Cloud")
    assert BadgeTemplate.objects.get(slug="az-104").description == "Written by staff."


def test_the_source_wins_over_a_staff_edit_of_the_field_it_changed(data_dir):
    import_catalog(data_dir)
    Certification.objects.filter(name=AZ_ADMIN).update(level="Intermediate", program="Staff program")

    def change(row):
        if row["name"] == AZ_ADMIN:
            row["level"] = "Expert"
        return row

    edit_csv(data_dir / "microsoft_certifications.csv", change)
    import_catalog(data_dir)

    cert = Certification.objects.get(name=AZ_ADMIN)
    assert cert.level == "Expert"
    assert cert.program == "Staff program"  # The source did not change this one.


def test_a_certification_staff_renamed_is_neither_duplicated_nor_retired(data_dir):
    import_catalog(data_dir)
    count = Certification.objects.count()
    Certification.objects.filter(name=AZ_ADMIN).update(name="Azure Administrator (our wording)")

    import_catalog(data_dir)

    assert Certification.objects.count() == count
    cert = Certification.objects.get(name="Azure Administrator (our wording)")
    assert cert.status == Status.ACTIVE


def test_an_exam_staff_recoded_is_not_duplicated(data_dir):
    import_catalog(data_dir)
    count = Exam.objects.count()
    Exam.objects.filter(code="AZ-104").update(code="AZ-104X")

    import_catalog(data_dir)

    assert Exam.objects.count() == count
    assert Exam.objects.get(code="AZ-104X").status == Status.ACTIVE


def test_products_come_from_names_and_exam_codes(data_dir):
    import_catalog(data_dir)

    assert Certification.objects.get(name=AZ_ADMIN).product == "Azure"
    assert Certification.objects.get(name__startswith="Microsoft Certified: Power BI Data Analyst").product == (
        "Power Platform"
    )
    assert Exam.objects.get(code="MB-800").product == "Dynamics 365"
    assert Exam.objects.get(code="AZ-900").product == "Azure"


def test_the_command_loads_the_full_catalog_and_prints_a_summary():
    """The one test on the real files in data/: the whole catalog loads."""
    out = StringIO()

    call_command("import_catalog", stdout=out)

    assert Path(settings.DATA_DIR) == Path(settings.BASE_DIR) / "data"

    assert "certifications: 140 added, 0 updated, 0 retired, 0 unchanged" in out.getvalue()
    assert out.getvalue().count("\n") == 3
