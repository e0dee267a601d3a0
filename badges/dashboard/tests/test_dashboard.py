"""The program dashboard: figures that match hand-counted awards, in a fixed number of queries."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from badges.awards.services import award_revoke
from badges.dashboard.chart import axis_max, weekly_chart
from badges.dashboard.selectors import dashboard_figures
from badges.models import AwardPageView, AwardState, ShareCount
from badges.public.page_views import page_view_count
from badges.tests.factories import AwardFactory, BadgeTemplateFactory, IssuerFactory
from outbox.models import OutboxEmail

pytestmark = pytest.mark.django_db

START, END, TODAY = date(2026, 10, 1), date(2026, 10, 31), date(2026, 11, 30)


def at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=hour))


def made(template, issued_on, **fields):
    award = AwardFactory(template=template, issued_on=issued_on, **fields)
    # Made (and its claim email sent) on its issue date, as in a program that issues the day of the exam.
    award.__class__.objects.filter(pk=award.pk).update(created_at=at(issued_on))
    award.refresh_from_db()
    return award


def claim_email(award, state):
    stamps = {"sent": {"sent_at": at(award.issued_on)}, "failed": {"failed_at": at(award.issued_on)}, "queued": {}}
    OutboxEmail.objects.create(kind="claim", to=award.recipient_email, payload={"award_id": award.pk}, **stamps[state])


@pytest.fixture
def program():
    """Two badges of one issuer, hand-counted below; another issuer's badge and awards out of range."""
    cloud = BadgeTemplateFactory(name="Cloud Engineer")
    data = BadgeTemplateFactory(name="Data Analyst")
    other = BadgeTemplateFactory(name="Other Program's Badge", issuer=IssuerFactory(slug="other", name="Other"))

    accepted_1 = made(cloud, date(2026, 10, 5), state=AwardState.ACCEPTED, accepted_at=at(date(2026, 10, 6)),
                      claim_link_opened_at=at(date(2026, 10, 6)))  # 1 day to accept  # fmt: skip
    accepted_2 = made(cloud, date(2026, 10, 5), state=AwardState.ACCEPTED, accepted_at=at(date(2026, 10, 8)),
                      claim_link_opened_at=at(date(2026, 10, 7)))  # 3 days  # fmt: skip
    accepted_3 = made(cloud, date(2026, 10, 12), state=AwardState.ACCEPTED, accepted_at=at(date(2026, 10, 22)),
                      expires_on=date(2026, 11, 1))  # 10 days, expired since  # fmt: skip
    declined = made(cloud, date(2026, 10, 12), state=AwardState.DECLINED, claim_link_opened_at=at(date(2026, 10, 13)))
    pending = made(cloud, date(2026, 10, 20))
    revoked = made(cloud, date(2026, 10, 20))
    award_revoke(award=revoked, reason="Issued by mistake.")
    made(cloud, date(2026, 9, 30))  # before the range
    data_pending = made(data, date(2026, 10, 31))
    made(other, date(2026, 10, 10))

    for award, state in [(accepted_1, "sent"), (accepted_2, "sent"), (accepted_3, "sent"), (declined, "failed"),
                         (pending, "queued"), (pending, "sent"), (data_pending, "queued")]:  # fmt: skip
        claim_email(award, state)
    ShareCount.objects.create(award=accepted_1, channel="linkedin-profile", clicks=3)
    ShareCount.objects.create(award=accepted_2, channel="linkedin-profile", clicks=1)
    ShareCount.objects.create(award=accepted_2, channel="x", clicks=2)
    AwardPageView.objects.create(award=accepted_1, template=accepted_1.template, day=date(2026, 10, 7), views=10)
    AwardPageView.objects.create(
        award=accepted_1, template=accepted_1.template, day=date(2026, 11, 7), views=99
    )  # after the range
    AwardPageView.objects.create(award=accepted_2, template=accepted_2.template, day=date(2026, 10, 9), views=5)
    return {"cloud": cloud, "data": data, "issuer": cloud.issuer}


def test_figures_per_badge_match_the_hand_count(program):
    figures = dashboard_figures(start=START, end=END, issuer=program["issuer"], today=TODAY)

    cloud, data = figures.rows
    assert cloud.template == program["cloud"] and data.template == program["data"]
    assert (cloud.issued, cloud.accepted, cloud.declined, cloud.pending, cloud.revoked, cloud.expired) == (
        6, 3, 1, 1, 1, 1)  # fmt: skip
    assert (cloud.emails_sent, cloud.emails_failed, cloud.emails_queued) == (4, 1, 1)
    assert cloud.opened == 3
    assert cloud.acceptance_rate == 50.0
    assert cloud.median_time_to_accept == timedelta(days=3)
    assert cloud.shares == {"linkedin-profile": 4, "x": 2}
    assert cloud.page_views == 15
    assert (data.issued, data.pending, data.emails_queued, data.acceptance_rate) == (1, 1, 1, 0.0)


def test_the_issuer_total_adds_up_and_leaves_other_issuers_out(program):
    total = dashboard_figures(start=START, end=END, issuer=program["issuer"], today=TODAY).total

    assert (total.issued, total.accepted, total.pending, total.emails_sent, total.emails_queued) == (7, 3, 2, 4, 2)
    assert total.acceptance_rate == round(100 * 3 / 7, 1)
    assert total.median_time_to_accept == timedelta(days=3)
    assert total.shares_total == 6
    assert total.page_views == 15


def test_one_badge_alone(program):
    figures = dashboard_figures(start=START, end=END, template=program["data"], today=TODAY)

    assert [row.template for row in figures.rows] == [program["data"]]
    assert figures.total.issued == 1


def test_weekly_issued_and_accepted_every_week_of_the_range(program):
    weeks = dashboard_figures(start=START, end=END, issuer=program["issuer"], today=TODAY).weeks

    assert weeks == [
        (date(2026, 9, 28), 0, 0),
        (date(2026, 10, 5), 2, 2),
        (date(2026, 10, 12), 2, 0),
        (date(2026, 10, 19), 2, 1),
        (date(2026, 10, 26), 1, 0),
    ]


def test_the_number_of_queries_does_not_depend_on_the_number_of_awards(program, django_assert_num_queries):
    with django_assert_num_queries(8):
        dashboard_figures(start=START, end=END, today=TODAY)
    for day in range(1, 29):
        made(program["data"], date(2026, 10, day), state=AwardState.ACCEPTED, accepted_at=at(date(2026, 10, 29)))
    with django_assert_num_queries(8):
        dashboard_figures(start=START, end=END, today=TODAY)


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_the_page_shows_the_figures_the_chart_and_its_table(staff_client, program):
    response = staff_client.get(
        reverse("admin_dashboard"), {"start": "2026-10-01", "end": "2026-10-31", "issuer": program["issuer"].pk}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Cloud Engineer</a>" in page and "Other Program&#x27;s Badge</a>" not in page
    assert '<svg role="img"' in page and "<caption>Badges issued and accepted per week</caption>" in page
    assert "3 days" in page


def test_the_page_count_of_queries_is_fixed(staff_client, program, django_assert_num_queries):
    url = reverse("admin_dashboard")
    staff_client.get(url)  # the session's first read settles
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        staff_client.get(url, {"start": "2026-10-01", "end": "2026-10-31"})
    for day in range(1, 29):
        made(program["cloud"], date(2026, 10, day))
    with django_assert_num_queries(len(few)):
        staff_client.get(url, {"start": "2026-10-01", "end": "2026-10-31"})


def test_the_csv_export_holds_the_same_figures(staff_client, program):
    response = staff_client.get(
        reverse("admin_dashboard"),
        {"start": "2026-10-01", "end": "2026-10-31", "issuer": program["issuer"].pk, "format": "csv"},
    )

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [row["Badge"] for row in rows] == ["Cloud Engineer", "Data Analyst", "All badges"]
    assert rows[0]["Issued"] == "6" and rows[0]["Median days to accept (whole days)"] == "3.0"
    assert rows[0]["Shares: LinkedIn profile"] == "4"
    assert rows[2]["Issued"] == "7"


def test_a_badge_name_is_never_a_spreadsheet_formula(staff_client):
    made(BadgeTemplateFactory(name="=HYPERLINK(1)"), date(2026, 10, 5))
    response = staff_client.get(
        reverse("admin_dashboard"), {"start": "2026-10-01", "end": "2026-10-31", "format": "csv"}
    )

    assert "'=HYPERLINK(1)" in response.content.decode()


def test_a_backwards_range_is_refused_with_a_message(staff_client):
    response = staff_client.get(reverse("admin_dashboard"), {"start": "2026-10-31", "end": "2026-10-01"})

    assert response.status_code == 200
    assert "The start of the range is after its end." in response.content.decode()


def test_an_empty_range_says_what_to_do(staff_client):
    response = staff_client.get(reverse("admin_dashboard"), {"start": "2020-01-01", "end": "2020-01-31"})

    assert "No badge was issued in this range" in response.content.decode()


def test_staff_without_the_award_permission_are_refused(client):
    client.force_login(UserFactory(is_staff=True))

    assert client.get(reverse("admin_dashboard")).status_code == 403


def test_the_admin_index_links_to_the_dashboard(staff_client):
    assert reverse("admin_dashboard") in staff_client.get(reverse("admin:index")).content.decode()


def test_page_views_are_counted_without_a_query_and_flushed_for_the_dashboard(
    staff_client, program, django_assert_num_queries
):
    from badges.tests.factories import AcceptedAwardFactory

    award = AcceptedAwardFactory(template=program["cloud"], issued_on=date(2026, 10, 3))
    with django_assert_num_queries(0):
        for _ in range(3):
            page_view_count(award.public_id, day=date(2026, 10, 4))

    figures = staff_client.get(reverse("admin_dashboard"), {"start": "2026-10-01", "end": "2026-10-31"})

    assert figures.status_code == 200
    assert AwardPageView.objects.get(award=award).views == 3


def test_chart_axis_tops_fall_on_whole_gridlines():
    assert [axis_max(value) for value in (0, 3, 5, 9, 150, 1001)] == [4, 4, 8, 20, 200, 2000]
    chart = weekly_chart([(date(2026, 10, 5), 8, 4)])
    assert chart["issued"][0].height == 2 * chart["accepted"][0].height
