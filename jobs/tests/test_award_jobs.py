import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from badges.tests.factories import BadgeTemplateFactory, CertificationFactory, ExamFactory
from jobs import search
from jobs.models import JobPosting, PostingStatus
from jobs.search import paginate

from .factories import JobPostingFactory
from .helpers import accepted_award, card_titles

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    return accepted_award()


@pytest.fixture
def jobs(client, award):
    client.force_login(award.earner)
    url = reverse("award_jobs", args=[award.public_id])

    def get(**params):
        return client.get(url, params)

    return get


def _posting(award, **fields):
    return JobPostingFactory(certifications=[award.template.certification], **fields)


def test_it_lists_open_postings_that_fit_the_certification(jobs, award):
    _posting(award, title="Cloud Engineer", employer="Contoso", salary_min=90000, salary_max=120000)
    _posting(award, title="Closed one", status=PostingStatus.CLOSED, closed_at="2026-01-01T00:00Z")
    JobPostingFactory(title="Other certification", certifications=[CertificationFactory()])

    response = jobs()

    assert card_titles(response) == ["Cloud Engineer"]
    page = response.content.decode()
    assert "Contoso" in page and "$90,000–$120,000 per year" in page and "1 open posting<" in page
    assert re.search(r'target="_blank" rel="noopener noreferrer">Apply .*\(opens in a new tab\)</span></a>', page)


def test_keyword_matches_title_employer_and_description(jobs, award):
    _posting(award, title="Security Engineer")
    _posting(award, title="Analyst", employer="Security Corp")
    _posting(award, title="Developer", description="Hardening security at scale")
    _posting(award, title="Gardener")

    response = jobs(keyword="security")

    assert sorted(card_titles(response)) == ["Analyst", "Developer", "Security Engineer"]


def test_location_filter(jobs, award):
    _posting(award, title="Seattle job", locations="Seattle, WA")
    _posting(award, title="Austin job", locations="Austin, TX")

    assert card_titles(jobs(location="austin")) == ["Austin job"]


def test_remote_only(jobs, award):
    _posting(award, title="Remote job", remote=True)
    _posting(award, title="Office job")

    assert card_titles(jobs(remote="on")) == ["Remote job"]


def test_minimum_salary_compares_yearly_pay(jobs, award):
    _posting(award, title="Hourly 60", salary_min=50, salary_max=60, salary_period="hour", annual_salary_max=124800)
    _posting(award, title="Yearly 90k", annual_salary_max=90000)
    _posting(award, title="No salary", salary_min=None, salary_max=None, annual_salary_min=None, annual_salary_max=None)

    assert card_titles(jobs(min_salary="100000")) == ["Hourly 60"]


def test_sorts_newest_first_by_default(jobs, award):
    today = timezone.localdate()
    _posting(award, title="Older", posted_on=today - timedelta(days=3))
    _posting(award, title="Newest", posted_on=today)
    _posting(award, title="Undated", posted_on=None)

    assert card_titles(jobs()) == ["Newest", "Older", "Undated"]


def test_sorts_by_salary(jobs, award):
    _posting(award, title="Middle", annual_salary_max=100000)
    _posting(award, title="Top", annual_salary_max=150000)
    _posting(award, title="Unknown", annual_salary_max=None)

    assert card_titles(jobs(sort="salary")) == ["Top", "Middle", "Unknown"]


def test_invalid_filters_show_an_error_not_a_crash(jobs, award):
    _posting(award, title="Any")

    response = jobs(min_salary="lots", sort="bogus", page="nope")

    assert response.status_code == 200
    assert response.context["form"].errors
    assert card_titles(response) == ["Any"]


def test_it_pages_by_twenty_and_keeps_the_filters_in_page_links(jobs, award):
    for n in range(25):
        _posting(award, title=f"Engineer {n}")

    first, second = jobs(keyword="engineer"), jobs(keyword="engineer", page="2")

    assert len(card_titles(first)) == 20 and len(card_titles(second)) == 5
    assert b"keyword=engineer&amp;page=2" in first.content


def test_a_page_past_the_end_shows_the_last_page(jobs, award):
    for n in range(21):
        _posting(award, title=f"Engineer {n}")

    response = jobs(page="9")

    assert response.context["page"].number == 2 and len(card_titles(response)) == 1


def test_counting_stops_at_the_cap():
    for _ in range(5):
        JobPostingFactory()

    page = paginate(JobPosting.objects.order_by("pk"), "9", per_page=2, cap=3)

    assert (page.paginator.count, page.more_than_counted, page.number, len(page.object_list)) == (3, True, 2, 1)


def test_a_count_under_the_cap_is_exact():
    for _ in range(3):
        JobPostingFactory()

    page = paginate(JobPosting.objects.order_by("pk"), "1", per_page=2, cap=3)

    assert (page.paginator.count, page.more_than_counted) == (3, False)


def test_no_postings_shows_the_empty_state(jobs):
    response = jobs(keyword="nothing")

    assert response.context["page"].paginator.count == 0
    assert b"No postings match" in response.content


def test_query_count_does_not_grow_with_the_postings(client, award, django_assert_num_queries):
    client.force_login(award.earner)
    url = reverse("award_jobs", args=[award.public_id])
    search = {"keyword": "engineer", "location": "seattle", "min_salary": "1000"}
    _posting(award)
    # session, user, award, the postings' version, the matches' ids and ages (the filters run once), page (the
    # saved flag is a subquery), the stored market insight
    with django_assert_num_queries(7):
        client.get(url, search)
    # the same search again: its matches, its rendered results and the insight come from the cache, under the same
    # version; the page's rows are not read, the earner's saved postings among them are (one query for the rows)
    with django_assert_num_queries(5):
        client.get(url, search)
    for _ in range(30):
        _posting(award)

    with django_assert_num_queries(7):
        response = client.get(url, search)

    assert len(card_titles(response)) == 20 and response.context["page"].paginator.count == 31


@pytest.mark.parametrize("cap", [1000, 3], ids=["split in one query", "past the cap, split by the database"])
def test_both_ways_of_splitting_by_age_list_the_same(client, award, monkeypatch, cap):
    """A search with more matches than the cap is split by the database, each part off the sort index."""
    monkeypatch.setattr(search, "COUNT_CAP", cap)
    client.force_login(award.earner)
    url = reverse("award_jobs", args=[award.public_id])
    for day in range(1, 5):
        _posting(award, title=f"Current engineer {day}", posted_on=timezone.localdate() - timedelta(days=day))
    _posting(award, title="Older engineer", posted_on=date(2018, 5, 1))

    current = client.get(url)
    older = client.get(url, {"age": "older"})

    assert card_titles(current) == [f"Current engineer {day}" for day in range(1, 5)]
    assert current.context["has_older"] is True
    assert card_titles(older) == ["Older engineer"]
    assert older.context["older_first"] == older.context["older_last"] == date(2018, 5, 1)


def test_query_count_of_the_older_sample_does_not_grow_with_the_postings(client, award, django_assert_num_queries):
    client.force_login(award.earner)
    url = reverse("award_jobs", args=[award.public_id])
    _posting(award, posted_on=date(2018, 5, 1))
    # session, user, award, the postings' version, the matches' ids and dates (the date range comes from them),
    # page, the stored market insight
    with django_assert_num_queries(7):
        client.get(url, {"age": "older"})
    for _ in range(30):
        _posting(award, posted_on=date(2018, 5, 1))

    with django_assert_num_queries(7):
        response = client.get(url, {"age": "older"})
    with django_assert_num_queries(5):  # the matches, results and insight from the cache, the saved flags read
        client.get(url, {"age": "older"})

    assert len(card_titles(response)) == 20


# Fresh and older postings (JOBS_FRESH_DAYS)


def _days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def test_postings_past_the_freshness_limit_are_not_called_open(jobs, award, settings):
    settings.JOBS_FRESH_DAYS = 60
    _posting(award, title="Fresh", posted_on=_days_ago(60))
    _posting(award, title="Stale", posted_on=_days_ago(61))

    response = jobs()

    assert card_titles(response) == ["Fresh"]
    page = response.content.decode()
    assert "1 open posting<" in page and "Published in the last 60 days." in page
    assert "see them as a dated sample" in page


def test_older_postings_are_a_dated_sample_with_their_date_range(jobs, award):
    _posting(award, title="Fresh", posted_on=_days_ago(1))
    _posting(award, title="2016", posted_on=date(2016, 3, 9))
    _posting(award, title="2019", posted_on=date(2019, 11, 2))

    response = jobs(age="older")

    assert card_titles(response) == ["2019", "2016"]
    page = response.content.decode()
    assert "2 older postings, a dated sample" in page and "open posting<" not in page
    assert "between March 2016 and November 2019, more than 60 days ago" in page
    assert "Back to the open postings" in page


def test_without_current_postings_the_older_ones_show_and_say_why(jobs, award):
    _posting(award, title="2018", posted_on=date(2018, 6, 1))

    response = jobs()

    assert card_titles(response) == ["2018"]
    page = response.content.decode()
    assert "No posting that fits was published in the last 60 days." in page
    assert "published on June 1, 2018" in page


def test_an_undated_posting_is_current_while_its_source_still_lists_it(jobs, award):
    _posting(award, title="Listed now", posted_on=None)
    _posting(award, title="Not seen for months", posted_on=None, fetched_at=timezone.now() - timedelta(days=90))

    assert card_titles(jobs()) == ["Listed now"]
    assert card_titles(jobs(age="older")) == ["Not seen for months"]


def test_the_filters_apply_to_the_older_sample_and_keep_it(jobs, award):
    _posting(award, title="Old analyst", posted_on=date(2018, 1, 1))
    _posting(award, title="Old gardener", posted_on=date(2018, 1, 1))

    response = jobs(age="older", keyword="analyst")

    assert card_titles(response) == ["Old analyst"]
    assert b'<input type="hidden" name="age" value="older">' in response.content


def test_locations_stored_with_a_repeated_state_read_once(jobs, award):
    _posting(award, locations="Tucson, Arizona, Arizona; Mesa, Arizona, Arizona")

    assert b"Tucson, Arizona; Mesa, Arizona<" in jobs().content


def test_adzuna_postings_carry_the_adzuna_credit(jobs, award):
    _posting(award, source="adzuna", salary_is_predicted=True)

    response = jobs()

    assert b'Jobs by <a href="https://www.adzuna.com/">Adzuna</a>' in response.content
    assert b"(estimated)" in response.content


def test_nyc_postings_carry_the_nyc_open_data_line(jobs, award):
    _posting(award, origin="nyc_open_data_jobs", apply_url="")

    response = jobs()

    assert b"City of New York, NYC Open Data - NYC Jobs." in response.content
    assert b"No online application link" in response.content


def test_an_exam_badge_shows_the_postings_of_its_certifications(client):
    certification = CertificationFactory()
    exam = ExamFactory()
    exam.certifications.add(certification)
    award = accepted_award(template=BadgeTemplateFactory(certification=None, exam=exam, name="Exam", slug="exam"))
    JobPostingFactory(title="Fits the exam", certifications=[certification])
    client.force_login(award.earner)

    response = client.get(reverse("award_jobs", args=[award.public_id]))

    assert card_titles(response) == ["Fits the exam"]


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"salary_min": 50, "salary_max": 60, "salary_period": "hour"}, "$50–$60 per hour"),
        ({"salary_min": 5000, "salary_max": 5000, "salary_period": "month"}, "$5,000 per month"),
        ({"salary_min": None, "salary_max": 101791, "salary_period": "year"}, "Up to $101,791 per year"),
        ({"salary_min": 40000, "salary_max": None, "salary_period": "year"}, "From $40,000 per year"),
        ({"salary_min": None, "salary_max": None, "salary_period": ""}, "Salary not stated"),
    ],
)
def test_salary_is_shown_with_its_period(fields, text):
    assert JobPostingFactory.build(**fields).salary_text == text


def test_a_badge_tied_to_no_certification_lists_nothing(client):
    award = accepted_award(template=BadgeTemplateFactory(certification=None, name="Free", slug="free"))
    JobPostingFactory(certifications=[CertificationFactory()])
    client.force_login(award.earner)

    response = client.get(reverse("award_jobs", args=[award.public_id]))

    assert response.status_code == 200 and card_titles(response) == []
