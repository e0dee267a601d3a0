import re

import pytest
from django.urls import reverse

from badges.models import Status
from badges.tests.factories import BadgeTemplateFactory, CertificationFactory, ExamFactory

pytestmark = pytest.mark.django_db


def retired_cert(name, retired_on, **fields):
    cert = CertificationFactory(name=name, status=Status.RETIRED, retired_on=retired_on, **fields)
    BadgeTemplateFactory(certification=cert, name=name, slug=cert.slug)
    return cert


def test_the_catalog_lists_active_certifications_and_the_active_exams_that_earn_them(client):
    active = CertificationFactory(name="Azure Administrator Associate", product="Azure")
    active.exams.add(
        ExamFactory(code="AZ-104"), ExamFactory(code="AZ-103", status=Status.RETIRED, retired_on="2020-08-31")
    )
    BadgeTemplateFactory(certification=active, name=active.name, slug=active.slug)
    retired_cert("MCSA: Web Applications", "2021-01-31")
    ExamFactory(code="77-419", title="Microsoft SharePoint 2013")

    response = client.get(reverse("catalog_eligible"))

    assert response.status_code == 200
    assert "Azure Administrator Associate" in response.text
    assert "AZ-104" in response.text
    assert "AZ-103" not in response.text
    assert "MCSA: Web Applications" not in response.text
    assert "<h2>Azure</h2>" in response.text
    assert "77-419: Microsoft SharePoint 2013" in response.text  # An exam badge with no certification.
    assert f'href="{reverse("badge_template_detail", args=[active.slug])}"' in response.text


def test_the_catalog_groups_by_level_on_request(client):
    CertificationFactory(name="Azure Fundamentals", level="Fundamentals")

    response = client.get(reverse("catalog_eligible"), {"group": "level"})

    assert "<h2>Fundamentals</h2>" in response.text


def test_the_catalog_query_count_does_not_grow_with_certifications(client, django_assert_num_queries):
    def make(count):
        for _ in range(count):
            cert = CertificationFactory()
            cert.exams.add(ExamFactory())
            BadgeTemplateFactory(certification=cert)

    make(2)
    with django_assert_num_queries(4):
        client.get(reverse("catalog_eligible"))
    make(8)
    with django_assert_num_queries(4):
        client.get(reverse("catalog_eligible"))


def test_the_retired_page_query_count_does_not_grow(client, django_assert_num_queries):
    for number in range(6):
        retired_cert(f"Retired {number}", "2020-01-31").exams.add(ExamFactory(status=Status.RETIRED))
    with django_assert_num_queries(3):
        client.get(reverse("catalog_retired"))


def test_retired_certifications_are_listed_newest_first_unknown_dates_last(client):
    retired_cert("Older", "2019-01-31")
    retired_cert("Unknown date", None)
    retired_cert("Newer", "2024-06-30")
    CertificationFactory(name="Still active")

    response = client.get(reverse("catalog_retired"))

    assert response.status_code == 200
    names = re.findall(r">(Older|Unknown date|Newer|Still active)<", response.text)
    assert names == ["Newer", "Older", "Unknown date"]
    assert "June 30, 2024" in response.text
    assert "Date not recorded" in response.text
    assert "can still be claimed, shared and verified" in response.text


def test_retired_exams_are_listed_with_their_dates(client):
    ExamFactory(code="70-533", title="Implementing Azure", status=Status.RETIRED, retired_on="2020-12-31")
    ExamFactory(code="AZ-104", title="Azure Administrator")

    response = client.get(reverse("catalog_retired"))

    assert "70-533" in response.text
    assert "December 31, 2020" in response.text
    assert "AZ-104" not in response.text


def test_the_retired_list_is_searchable_by_name_and_exam_code(client):
    web = retired_cert("MCSA: Web Applications", "2021-01-31")
    web.exams.add(ExamFactory(code="70-486", status=Status.RETIRED, retired_on="2021-01-31"))
    retired_cert("MCSA: Windows Server 2016", "2021-01-31")

    by_name = client.get(reverse("catalog_retired"), {"q": "windows"})
    by_code = client.get(reverse("catalog_retired"), {"q": "70-486"})

    assert "Windows Server 2016" in by_name.text and "Web Applications" not in by_name.text
    assert "Web Applications" in by_code.text and "Windows Server 2016" not in by_code.text


def test_a_nul_character_in_the_retired_search_is_ignored(client):
    # PostgreSQL refuses NUL in a query parameter (a 500); SQLite matches nothing.
    retired_cert("MCSA: Web Applications", "2021-01-31")

    response = client.get(reverse("catalog_retired"), {"q": "W\x00eb"})

    assert response.status_code == 200
    assert "MCSA: Web Applications" in response.text


def test_the_public_navigation_reaches_the_catalog_pages(client):
    response = client.get(reverse("home"))

    for name in ("catalog_eligible", "catalog_retired", "help"):
        assert f'href="{reverse(name)}"' in response.text
