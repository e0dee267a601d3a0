import re

import pytest
from django.urls import reverse

from badges.models import AwardState, Status
from badges.tests.factories import (
    AcceptedAwardFactory,
    AwardFactory,
    BadgeTemplateFactory,
    CertificationFactory,
    ExamFactory,
    IssuerFactory,
)

pytestmark = pytest.mark.django_db


def card_names(response):
    return re.findall(r'<span class="badge-card-name">([^<]*)</span>', response.text)


ISSUER_SLUG = "contoso"  # The issuer every factory template belongs to.


def issuer_page(client, **params):
    return client.get(reverse("issuer_detail", args=[ISSUER_SLUG]), params)


def exam_template(code, title, **exam_fields):
    exam = ExamFactory(code=code, title=title, **exam_fields)
    return BadgeTemplateFactory(certification=None, exam=exam, name=f"{code}: {title}", slug=code.lower())


@pytest.fixture
def catalog():
    azure = BadgeTemplateFactory(
        name="Azure Administrator Associate",
        certification=CertificationFactory(name="Azure Administrator Associate", product="Azure", level="Associate"),
        skills=["Microsoft PowerShell", "Microsoft Azure"],
    )
    azure.certification.exams.add(ExamFactory(code="AZ-104", title="Azure Administrator"))
    fundamentals = BadgeTemplateFactory(
        name="Power Platform Fundamentals",
        certification=CertificationFactory(
            name="Power Platform Fundamentals", product="Power Platform", level="Fundamentals"
        ),
    )
    retired = BadgeTemplateFactory(
        name="MCSA: Windows Server 2016",
        certification=CertificationFactory(
            name="MCSA: Windows Server 2016", product="Microsoft 365", status=Status.RETIRED, retired_on="2021-01-31"
        ),
    )
    exam = exam_template("AZ-900", "Azure Fundamentals", product="Azure")
    return {"azure": azure, "fundamentals": fundamentals, "retired": retired, "exam": exam}


def test_every_template_of_the_issuer_is_a_card(client, catalog):
    BadgeTemplateFactory(issuer=IssuerFactory(slug="other", name="Other issuer"), name="Not this issuer's")

    response = issuer_page(client)

    assert response.status_code == 200
    assert sorted(card_names(response)) == sorted(t.name for t in catalog.values())
    assert f'href="{reverse("badge_template_detail", args=[catalog["azure"].slug])}"' in response.text


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"q": "administrator"}, ["azure"]),
        ({"q": "powershell"}, ["azure"]),  # A skill.
        ({"q": "AZ-104"}, ["azure"]),  # The exam that earns the certification.
        ({"q": "az-900"}, ["exam"]),  # An exam's own badge.
        ({"q": "no such badge"}, []),
        ({"level": "Fundamentals"}, ["fundamentals"]),
        ({"level": "Exam"}, ["exam"]),
        ({"product": "Azure"}, ["azure", "exam"]),
        ({"status": "retired"}, ["retired"]),
        ({"status": "active"}, ["azure", "exam", "fundamentals"]),
        ({"q": "azure", "level": "Associate", "status": "active"}, ["azure"]),
        ({"level": "Galactic"}, ["azure", "exam", "fundamentals", "retired"]),  # An unknown value filters nothing.
    ],
)
def test_search_and_filters_return_the_right_cards(client, catalog, params, expected):
    response = issuer_page(client, **params)

    assert response.status_code == 200
    assert sorted(card_names(response)) == sorted(catalog[key].name for key in expected)


def test_active_badges_come_first_the_most_earned_first(client, catalog):
    AcceptedAwardFactory(template=catalog["fundamentals"])

    response = issuer_page(client)

    assert card_names(response) == [
        "Power Platform Fundamentals",  # active, one earner
        "AZ-900: Azure Fundamentals",  # active, none: by name
        "Azure Administrator Associate",
        "MCSA: Windows Server 2016",  # retired last
    ]


def test_filters_offer_the_levels_and_products_in_the_catalog(client, catalog):
    response = issuer_page(client)

    assert '<option value="Fundamentals">Fundamentals</option>' in response.text
    assert '<option value="Exam">Exam</option>' in response.text
    assert '<option value="Power Platform">Power Platform</option>' in response.text
    assert response.text.index(">Fundamentals<") < response.text.index(">Associate<")


def test_a_retired_card_says_so(client, catalog):
    response = issuer_page(client, status="retired")

    assert '<span class="pill pill-retired">Retired</span>' in response.text


def test_the_page_counts_the_earners_who_accepted_each_badge(client, catalog):
    azure = catalog["azure"]
    AcceptedAwardFactory.create_batch(3, template=azure)
    AcceptedAwardFactory(template=azure, is_public=False)  # Private still counts: it is only a number.
    AwardFactory(template=azure)  # Pending.
    AwardFactory(template=azure, state=AwardState.DECLINED)
    revoked = AcceptedAwardFactory(template=azure)
    revoked.revoked_at, revoked.revocation_reason = revoked.accepted_at, "Exam fraud"
    revoked.save()
    AcceptedAwardFactory(template=catalog["exam"])

    response = issuer_page(client, q="azure")

    assert "4 earners" in response.text
    assert "1 earner<" in response.text


def test_pages_hold_24_cards_and_keep_the_filters(client):
    for number in range(30):
        BadgeTemplateFactory(name=f"Badge {number:02}", certification__product="Azure")

    first = issuer_page(client, product="Azure")
    second = issuer_page(client, product="Azure", page=2)

    assert len(card_names(first)) == 24
    assert len(card_names(second)) == 6
    assert 'href="?product=Azure&amp;page=2"' in first.text
    assert "Page 2 of 2" in second.text
    assert issuer_page(client, page="nonsense").status_code == 200


def test_the_query_count_does_not_grow_with_the_templates(client, django_assert_num_queries):
    def make(count):
        for _ in range(count):
            template = BadgeTemplateFactory()
            AcceptedAwardFactory(template=template)

    make(2)
    with django_assert_num_queries(6):
        issuer_page(client, product="", q="cloud")
    make(20)
    with django_assert_num_queries(6):
        response = issuer_page(client, product="", q="cloud")
    assert len(card_names(response)) == 22


def test_an_unknown_issuer_is_404(client):
    assert client.get(reverse("issuer_detail", args=["nobody"])).status_code == 404
