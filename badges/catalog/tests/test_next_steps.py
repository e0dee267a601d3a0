import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.catalog.pathways import next_steps, rung
from badges.models import AwardState, BadgeTemplate, Certification, Status
from badges.tests.factories import (
    AcceptedAwardFactory,
    AwardFactory,
    BadgeTemplateFactory,
    CertificationFactory,
    ExamFactory,
)

pytestmark = pytest.mark.django_db


def certification(name, level, product="Azure", *, exam_status=Status.ACTIVE, skills=(), **fields):
    cert = CertificationFactory(name=name, level=level, product=product, **fields)
    cert.exams.add(ExamFactory(status=exam_status, retired_on="2024-01-01" if exam_status == Status.RETIRED else None))
    BadgeTemplateFactory(certification=cert, skills=list(skills))
    return cert


def names(result):
    return [step["certification"].name for step in result["steps"]]


@pytest.fixture
def earner():
    return UserFactory()


def test_a_fundamentals_badge_leads_to_the_associates_of_its_family(earner):
    fundamentals = certification("Azure Fundamentals", "Fundamentals")
    certification("Azure Administrator Associate", "Associate")
    certification("Azure Developer Associate", "Associate")
    certification("Azure Solutions Architect Expert", "Expert")  # two steps up
    certification("Security Operations Analyst Associate", "Associate", product="Security")  # another family

    result = next_steps(fundamentals.badge_template, earner)

    assert names(result) == ["Azure Administrator Associate", "Azure Developer Associate"]
    assert result["basis"] == "Azure certifications at the Associate level, the step after this one."


def test_an_associate_badge_leads_to_experts_and_specialties(earner):
    associate = certification("Azure Administrator Associate", "Associate")
    certification("Azure Solutions Architect Expert", "Expert")
    certification("Azure Virtual Desktop Specialty", "Specialty")
    certification("Azure Developer Associate", "Associate")  # same rung

    result = next_steps(associate.badge_template, earner)

    assert set(names(result)) == {"Azure Solutions Architect Expert", "Azure Virtual Desktop Specialty"}


def test_retired_certifications_and_those_only_retired_exams_earn_are_left_out(earner):
    fundamentals = certification("Azure Fundamentals", "Fundamentals")
    certification("Azure Administrator Associate", "Associate")
    certification("Azure Old Associate", "Associate", status=Status.RETIRED, retired_on="2023-06-30")
    certification("Azure Examless Associate", "Associate", exam_status=Status.RETIRED)
    CertificationFactory(name="Azure Associate Without Exams", level="Associate", product="Azure")

    assert names(next_steps(fundamentals.badge_template, earner)) == ["Azure Administrator Associate"]


def test_a_step_lists_its_active_exams_and_the_skills_it_adds(earner):
    fundamentals = certification("Azure Fundamentals", "Fundamentals", skills=["Microsoft Azure software"])
    admin = certification(
        "Azure Administrator Associate", "Associate", skills=["Microsoft Azure software", "Microsoft PowerShell"]
    )
    admin.exams.add(ExamFactory(code="AZ-103", status=Status.RETIRED, retired_on="2020-08-31"))

    (step,) = next_steps(fundamentals.badge_template, earner)["steps"]

    assert step["added_skills"] == ["Microsoft PowerShell"]
    assert [exam.status for exam in step["exams"]] == [Status.ACTIVE]
    assert step["template"] == admin.badge_template


def test_certifications_the_earner_holds_are_left_out(earner):
    fundamentals = certification("Azure Fundamentals", "Fundamentals")
    held = certification("Azure Administrator Associate", "Associate")
    revoked = certification("Azure Developer Associate", "Associate")
    pending = certification("Azure Network Engineer Associate", "Associate")
    AcceptedAwardFactory(earner=earner, template=held.badge_template)
    AcceptedAwardFactory(
        earner=earner, template=revoked.badge_template, revoked_at=timezone.now(), revocation_reason="Withdrawn"
    )
    AwardFactory(earner=earner, template=pending.badge_template, state=AwardState.PENDING)
    AcceptedAwardFactory(template=BadgeTemplate.objects.get(certification=fundamentals))  # someone else's

    assert names(next_steps(fundamentals.badge_template, earner)) == [
        "Azure Developer Associate",  # revoked: no longer held
        "Azure Network Engineer Associate",  # waiting: not held yet
    ]


def test_the_closest_come_first(earner):
    excel = certification("Office Specialist: Excel Associate (Office 2019)", "", product="Office")
    certification("Office Specialist: Access Expert (Office 2019)", "", product="Office")  # first by name
    certification("Office Specialist: Excel Expert (Office 2019)", "", product="Office")

    assert names(next_steps(excel.badge_template, earner))[0] == "Office Specialist: Excel Expert (Office 2019)"


@pytest.mark.parametrize(
    ("level", "name", "expected"),
    [
        ("Fundamentals", "Azure Fundamentals", 1),
        ("Associate", "Azure Administrator Associate", 2),
        ("Expert", "DevOps Engineer Expert", 3),
        ("Specialty", "Azure for SAP Workloads Specialty", 3),
        ("", "Microsoft Office Specialist: Excel Associate (Office 2019)", 2),
        ("", "Microsoft Office Specialist: Excel Expert (Microsoft 365 Apps)", 3),
        ("", "Microsoft Office Specialist: Excel (Office 2016)", None),
        ("", "Microsoft Certified Educator", None),
    ],
)
def test_the_rung_comes_from_the_level_or_else_the_name(level, name, expected):
    assert rung(Certification(name=name, level=level)) == expected


@pytest.mark.parametrize(
    ("level", "name", "basis"),
    [
        ("Expert", "Azure Solutions Architect Expert", "Expert is the top of the ladder"),
        ("Specialty", "Azure Virtual Desktop Specialty", "Specialty is the top of the ladder"),
        ("", "Microsoft Certified Educator", "no level"),
    ],
)
def test_nothing_is_suggested_where_the_data_cannot_say(earner, level, name, basis):
    top = certification(name, level)
    certification("Azure Something Else Expert", "Expert")

    result = next_steps(top.badge_template, earner)

    assert result["steps"] == []
    assert basis in result["basis"]


def test_an_exam_badge_leads_to_the_certifications_it_counts_towards(earner):
    exam = ExamFactory(code="AZ-800")
    hybrid = certification("Windows Server Hybrid Administrator Associate", "Associate", product="Microsoft 365")
    hybrid.exams.add(exam)
    retired = CertificationFactory(name="Old Hybrid", status=Status.RETIRED, retired_on="2022-01-01")
    retired.exams.add(exam)
    template = BadgeTemplateFactory(certification=None, exam=exam, name="AZ-800", slug="az-800")

    result = next_steps(template, earner)

    assert names(result) == ["Windows Server Hybrid Administrator Associate"]
    assert "exam AZ-800 counts towards" in result["basis"]


def test_the_query_count_does_not_grow_with_the_steps(earner, django_assert_num_queries):
    fundamentals = certification("Azure Fundamentals", "Fundamentals")
    for number in range(8):
        certification(f"Azure Role {number} Associate", "Associate")
    template = BadgeTemplate.objects.select_related("certification", "exam").get(pk=fundamentals.badge_template.pk)

    with django_assert_num_queries(2):  # the certifications with their badge templates, their active exams
        result = next_steps(template, earner)

    assert len(result["steps"]) == 6


# On the owner's badge page


def test_the_owners_page_of_a_held_badge_shows_what_to_earn_next(client, earner):
    fundamentals = certification("Azure Fundamentals", "Fundamentals")
    admin = certification("Azure Administrator Associate", "Associate", skills=["Microsoft PowerShell"])
    award = AcceptedAwardFactory(earner=earner, template=fundamentals.badge_template)
    client.force_login(earner)

    response = client.get(award.get_absolute_url())

    assert "What to earn next" in response.text
    assert reverse("badge_template_detail", args=[admin.badge_template.slug]) in response.text
    assert "Microsoft PowerShell" in response.text
    assert admin.exams.get().code in response.text


def test_the_owners_page_query_count_does_not_grow_with_the_steps(client, earner, django_assert_num_queries):
    fundamentals = certification("Azure Fundamentals", "Fundamentals")
    award = AcceptedAwardFactory(earner=earner, template=fundamentals.badge_template)
    client.force_login(earner)
    certification("Azure Role 0 Associate", "Associate")

    # session, user, the award with its catalog rows, what was shared of it, the steps, their exams
    with django_assert_num_queries(6):
        client.get(award.get_absolute_url())
    for number in range(1, 8):
        certification(f"Azure Role {number} Associate", "Associate")
    with django_assert_num_queries(6):
        response = client.get(award.get_absolute_url())
    assert response.text.count('class="next-step"') == 6


def test_an_empty_state_points_to_the_catalog(client, earner):
    expert = certification("Azure Solutions Architect Expert", "Expert")
    award = AcceptedAwardFactory(earner=earner, template=expert.badge_template)
    client.force_login(earner)

    response = client.get(award.get_absolute_url())

    assert "Nothing to suggest after this badge for now" in response.text
    assert reverse("catalog_eligible") in response.text


@pytest.mark.parametrize("state", [AwardState.PENDING, AwardState.DECLINED])
def test_a_badge_not_accepted_shows_no_next_steps(client, earner, state):
    award = AwardFactory(
        earner=earner, state=state, template=certification("Azure Fundamentals", "Fundamentals").badge_template
    )
    client.force_login(earner)

    assert "What to earn next" not in client.get(award.get_absolute_url()).text


def test_the_catalog_data_gives_honest_steps(earner):
    """The rule on the real catalog: AZ-900 leads to Azure associates, all earnable today."""
    call_command("import_catalog", verbosity=0)
    template = BadgeTemplate.objects.get(certification__name="Microsoft Certified: Azure Fundamentals")

    steps = next_steps(template, earner)["steps"]

    assert steps
    for step in steps:
        assert step["certification"].product == "Azure"
        assert step["certification"].level == "Associate"
        assert step["certification"].status == Status.ACTIVE
        assert step["exams"] and all(exam.status == Status.ACTIVE for exam in step["exams"])
