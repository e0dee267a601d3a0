from io import StringIO

import pytest
from django.core.management import call_command

from badges.tests.factories import CertificationFactory
from jobs.models import CertificationOccupation, Occupation, OccupationProjection, OccupationWage

pytestmark = pytest.mark.django_db

ADMIN_EXPERT = "Microsoft 365 Certified: Administrator Expert"


def _import():
    out = StringIO()
    call_command("import_labor_data", stdout=out)
    return out.getvalue()


def test_it_loads_wages_projections_and_certification_links():
    CertificationFactory(name=ADMIN_EXPERT)

    output = _import()

    admins = Occupation.objects.get(soc_code="15-1244")
    assert admins.title == "Network and Computer Systems Administrators"
    assert admins.wages.get().median == 95360
    assert admins.projections.get().typical_education == "Bachelor's degree"
    links = CertificationOccupation.objects.filter(certification__name=ADMIN_EXPERT).order_by("rank")
    assert [link.occupation.soc_code for link in links] == ["15-1244", "15-1299", "15-1212"]
    assert "certification links: " in output and "skipped (unknown certification)" in output


def test_top_coded_percentiles_are_stored_empty_with_their_marker():
    _import()

    chief = OccupationWage.objects.get(occupation__soc_code="11-1011")

    assert (chief.median, chief.pct75, chief.pct90) == (206680, None, None)
    assert chief.markers == "a_pct75=#;a_pct90=#"


def test_a_second_run_changes_nothing():
    CertificationFactory(name=ADMIN_EXPERT)
    _import()
    before = (Occupation.objects.count(), OccupationWage.objects.count(), OccupationProjection.objects.count())

    output = _import()

    assert "created" not in output and "updated" not in output
    assert "occupations: 101 unchanged" in output
    after = (Occupation.objects.count(), OccupationWage.objects.count(), OccupationProjection.objects.count())
    assert after == before


def test_a_rank_staff_changed_survives_a_reimport():
    CertificationFactory(name=ADMIN_EXPERT)
    _import()
    link = CertificationOccupation.objects.get(certification__name=ADMIN_EXPERT, occupation__soc_code="15-1212")
    link.rank = 1
    link.save()

    _import()

    link.refresh_from_db()
    assert link.rank == 1
