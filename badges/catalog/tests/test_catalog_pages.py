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


def card_names(response):
    return re.findall(r'<span class="badge-card-name">([^<]*)</span>', response.text)


def active_template(name, **cert_fields):
    cert = CertificationFactory(name=name, **cert_fields)
    return BadgeTemplateFactory(certification=cert, name=name, slug=cert.slug)


def test_the_catalog_shows_the_badges_to_earn_as_cards_with_their_active_exams(client):
    azure = active_template("Azure Administrator Associate", product="Azure")
    azure.certification.exams.add(
        ExamFactory(code="AZ-104"), ExamFactory(code="AZ-103", status=Status.RETIRED, retired_on="2020-08-31")
    )
    retired_cert("MCSA: Web Applications", "2021-01-31")
    standalone = ExamFactory(code="77-419", title="Microsoft SharePoint 2013")
    BadgeTemplateFactory(certification=None, exam=standalone, name="77-419: Microsoft SharePoint 2013", slug="77-419")

    response = client.get(reverse("catalog_eligible"))

    assert response.status_code == 200
    assert card_names(response) == ["Azure Administrator Associate", "77-419: Microsoft SharePoint 2013"]
    assert '<ul class="badge-grid">' in response.text and "<table" not in response.text
    assert "Exam AZ-104<" in response.text and "AZ-103" not in response.text
    assert '<h2 id="group-1">Azure</h2>' in response.text
    assert f'href="{reverse("badge_template_detail", args=[azure.slug])}"' in response.text


def test_the_catalog_groups_by_level_from_fundamentals_to_specialty(client):
    for level in ("Specialty", "Associate", "Fundamentals", "Expert"):
        active_template(f"A {level} badge", level=level)

    response = client.get(reverse("catalog_eligible"), {"group": "level"})

    headings = re.findall(r'<h2 id="group-\d+">([^<]*)</h2>', response.text)
    assert headings == ["Fundamentals", "Associate", "Expert", "Specialty"]


def test_the_catalog_query_count_does_not_grow_with_certifications(client, django_assert_num_queries):
    def make(count):
        for _ in range(count):
            BadgeTemplateFactory().certification.exams.add(ExamFactory())

    make(2)
    # issuers, templates, their active exams, exams with a badge of their own
    with django_assert_num_queries(4):
        client.get(reverse("catalog_eligible"))
    make(8)
    with django_assert_num_queries(4):
        client.get(reverse("catalog_eligible"))


@pytest.fixture
def az104():
    """The exam AZ-104, with its own badge, and the certification it earns."""
    exam = ExamFactory(code="AZ-104", title="Microsoft Azure Administrator")
    BadgeTemplateFactory(certification=None, exam=exam, name="AZ-104: Microsoft Azure Administrator", slug="az-104")
    active_template("Microsoft Certified: Azure Administrator Associate").certification.exams.add(exam)
    other = ExamFactory(code="AZ-140", title="Azure Virtual Desktop")
    BadgeTemplateFactory(certification=None, exam=other, name="AZ-140: Azure Virtual Desktop", slug="az-140")


@pytest.mark.parametrize("q", ["az104", "az 104", "AZ-104", "Az.104", "ÁZ-104 ", "az–104"])
def test_searching_finds_an_exam_code_whatever_its_case_accents_and_separators(client, az104, q):
    response = client.get(reverse("catalog_eligible"), {"q": q})

    assert sorted(card_names(response)) == [
        "AZ-104: Microsoft Azure Administrator",
        "Microsoft Certified: Azure Administrator Associate",
    ]


def test_searching_words_ignores_accents_and_case(client, az104):
    response = client.get(reverse("catalog_eligible"), {"q": "AZURE ADMÍNISTRATOR"})

    assert len(card_names(response)) == 2


def test_a_search_that_finds_nothing_says_so(client, az104):
    response = client.get(reverse("catalog_eligible"), {"q": "quantum"})

    assert "0 badges match “quantum”" in response.text and "No badge matches" in response.text


def test_the_search_query_count_does_not_grow_with_the_results(client, django_assert_num_queries):
    def make(count):
        for _ in range(count):
            BadgeTemplateFactory(name=f"Cloud {ExamFactory().code}").certification.exams.add(ExamFactory())

    make(2)
    # count, page, the page's active exams
    with django_assert_num_queries(3):
        client.get(reverse("catalog_eligible"), {"q": "cloud"})
    make(10)
    with django_assert_num_queries(3):
        response = client.get(reverse("catalog_eligible"), {"q": "cloud"})
    assert len(card_names(response)) == 12


# Retired


def test_the_retired_page_shows_one_year_with_an_index_of_the_years(client):
    retired_cert("Retired 2019", "2019-01-31")
    retired_cert("Retired 2024", "2024-06-30")
    retired_cert("Unknown date", None)
    ExamFactory(code="70-533", status=Status.RETIRED, retired_on="2019-12-31")

    latest = client.get(reverse("catalog_retired"))
    older = client.get(reverse("catalog_retired"), {"year": "2019"})
    undated = client.get(reverse("catalog_retired"), {"year": "undated"})

    assert "Retired 2024" in latest.text and "Retired 2019" not in latest.text
    index = re.findall(r'\?year=(\w+)"[^>]*>([^<]*)<span class="muted small">\((\d+)\)', latest.text)
    assert index == [("2024", "2024 ", "1"), ("2019", "2019 ", "2"), ("undated", "Date not recorded ", "1")]
    assert 'href="/catalog/retired/?year=2024" aria-current="page"' in latest.text
    assert "Retired 2019" in older.text and "70-533" in older.text and "Retired 2024" not in older.text
    assert "Unknown date" in undated.text and "Date not recorded</td>" in undated.text


def test_an_unknown_year_shows_the_latest(client):
    retired_cert("Retired 2024", "2024-06-30")

    response = client.get(reverse("catalog_retired"), {"year": "1066"})

    assert response.status_code == 200 and "Retired 2024" in response.text


def test_the_retired_page_query_count_does_not_grow(client, django_assert_num_queries):
    for number in range(6):
        retired_cert(f"Retired {number}", f"20{20 + number}-01-31").exams.add(ExamFactory(status=Status.RETIRED))
    # the years of certifications and of exams, certifications, their exams, exams
    with django_assert_num_queries(5):
        client.get(reverse("catalog_retired"))
    with django_assert_num_queries(5):
        client.get(reverse("catalog_retired"), {"q": "retired"})


def test_retired_certifications_are_listed_newest_first_unknown_dates_last_in_a_search(client):
    retired_cert("Older", "2019-01-31")
    retired_cert("Unknown date", None)
    retired_cert("Newer", "2024-06-30")
    CertificationFactory(name="Still active")

    response = client.get(reverse("catalog_retired"), {"q": "e"})

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
    retired_cert("MCSA: Windows Server 2016", "2019-01-31")

    by_name = client.get(reverse("catalog_retired"), {"q": "windows"})
    by_code = client.get(reverse("catalog_retired"), {"q": "70486"})

    assert "Windows Server 2016" in by_name.text and "Web Applications" not in by_name.text
    assert "Web Applications" in by_code.text and "Windows Server 2016" not in by_code.text
    assert ">70-486<" in by_code.text  # the exam itself


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
