"""The Jobs tab caches a search's matches (jobs.search.cached_match_rows), the rendered page (jobs.tab) and the
market insight under the postings' version. The database raises the version in the same transaction as any
change to the postings, their certification links or the stored insight, whoever makes it, so a repeated search
never shows what a refresh changed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory, CertificationFactory
from jobs.models import JobPosting, MarketInsight, PostingStatus, PostingsVersion
from jobs.search import postings_version
from jobs.services import job_apply_count, job_postings_purge, jobs_refresh, market_insight_recompute

from .factories import JobPostingFactory, job_source
from .helpers import card_titles
from .payloads import usajobs_item, usajobs_page

pytestmark = pytest.mark.django_db

SEARCH = {"keyword": "engineer", "min_salary": "1000"}


@pytest.fixture
def award():
    return AcceptedAwardFactory(template=BadgeTemplateFactory(certification=CertificationFactory()))


@pytest.fixture
def jobs(client, award):
    client.force_login(award.earner)
    url = reverse("award_jobs", args=[award.public_id])

    def titles(**params):
        response = client.get(url, {**SEARCH, **params})
        assert response.status_code == 200
        return card_titles(response)

    return titles


def _posting(award, **fields):
    fields.setdefault("posted_on", timezone.localdate() - timedelta(days=1))
    return JobPostingFactory(certifications=[award.template.certification], **fields)


def test_a_refresh_is_listed_at_once_by_a_search_already_cached(jobs, award, fake_api):
    certification = award.template.certification
    fake_api.add(
        usajobs_page([usajobs_item(1, title="Cloud Engineer"), usajobs_item(2, title="Data Engineer")], pages=1)
    )
    jobs_refresh(certification=certification, source=job_source("usajobs"))
    assert sorted(jobs()) == ["Cloud Engineer", "Data Engineer"]
    assert sorted(jobs()) == ["Cloud Engineer", "Data Engineer"]  # now from the cache

    # The next refresh renames one posting, drops the other (closed) and brings a new one.
    fake_api.add(
        usajobs_page([usajobs_item(1, title="Cloud Security Engineer"), usajobs_item(3, title="Engineer")], pages=1)
    )
    jobs_refresh(certification=certification, source=job_source("usajobs"))

    assert sorted(jobs()) == ["Cloud Security Engineer", "Engineer"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda posting, award: _posting(award, title="New engineer"), id="a posting added"),
        pytest.param(
            lambda posting, award: JobPosting.objects.filter(pk=posting.pk).update(title="Clerk"), id="update"
        ),
        pytest.param(lambda posting, award: posting.delete(), id="a posting deleted"),
        pytest.param(
            lambda posting, award: JobPosting.objects.filter(pk=posting.pk).update(
                status=PostingStatus.CLOSED, closed_at=timezone.now()
            ),
            id="a posting closed",
        ),
        pytest.param(
            lambda posting, award: JobPosting.objects.filter(pk=posting.pk).update(posted_on="2018-05-01"),
            id="a posting dated older",
        ),
        pytest.param(lambda posting, award: posting.certifications.clear(), id="a certification link removed"),
        pytest.param(
            lambda posting, award: (
                _posting(award, title="Unlinked engineer").certifications.clear()
                or JobPosting.objects.get(title="Unlinked engineer").certifications.add(award.template.certification)
            ),
            id="a certification link added",
        ),
        pytest.param(
            lambda posting, award: _raw(
                "UPDATE jobs_jobposting SET annual_salary_max = 10 WHERE id = %s", [posting.pk]
            ),
            id="raw SQL",
        ),
    ],
)
def test_every_change_to_the_postings_is_listed_at_once(jobs, award, change):
    posting = _posting(award, title="Cloud engineer")
    _posting(award, title="Data engineer")
    before = sorted(jobs())
    assert before == ["Cloud engineer", "Data engineer"] and sorted(jobs()) == before
    version = postings_version()

    change(posting, award)

    assert postings_version() > version
    expected = sorted(
        JobPosting.objects.filter(
            certifications=award.template.certification,
            status=PostingStatus.OPEN,
            title__icontains="engineer",
            annual_salary_max__gte=1000,
            posted_on__gte=timezone.localdate() - timedelta(days=60),
        ).values_list("title", flat=True)
    )
    assert sorted(jobs()) == expected != before


def _raw(sql, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_purging_closed_postings_raises_the_version(award):
    posting = _posting(award, status=PostingStatus.CLOSED, closed_at=timezone.now() - timedelta(days=400))
    version = postings_version()

    job_postings_purge()

    assert not JobPosting.objects.filter(pk=posting.pk).exists()
    assert postings_version() > version


def test_a_recomputed_market_insight_is_shown_at_once(client, award):
    """The tab caches the insight under the version too: writing the stored insight raises it."""
    _posting(award, title="Cloud engineer", employer="Contoso")
    market_insight_recompute(certification=award.template.certification)
    client.force_login(award.earner)
    url = reverse("award_jobs", args=[award.public_id])
    assert "Contoso" in _insight(client.get(url)) and "Contoso" in _insight(client.get(url))
    _raw("UPDATE jobs_jobposting SET status = 'closed' WHERE title = 'Cloud engineer'")
    _posting(award, title="Data engineer", employer="Fabrikam")
    client.get(url)  # the new postings are listed, the stored insight is still the one computed before
    version = postings_version()

    market_insight_recompute(certification=award.template.certification)

    assert postings_version() > version
    insight = _insight(client.get(url))
    assert "Fabrikam" in insight and "Contoso" not in insight


def _insight(response):
    return response.text[response.text.index('id="insight"') :]


def test_deleting_the_stored_insight_raises_the_version(award):
    market_insight_recompute(certification=award.template.certification)
    version = postings_version()

    MarketInsight.objects.all().delete()

    assert postings_version() > version


def test_counting_an_application_click_keeps_the_cached_searches(jobs, award):
    posting = _posting(award, title="Cloud engineer")
    jobs()
    version = postings_version()

    job_apply_count(posting=posting)

    assert postings_version() == version
    assert JobPosting.objects.get(pk=posting.pk).apply_clicks == 1


def test_the_same_search_on_another_badge_lists_that_badge_s_postings(client, award):
    other = AcceptedAwardFactory(
        earner=award.earner, template=BadgeTemplateFactory(certification=CertificationFactory())
    )
    _posting(award, title="Cloud engineer")
    _posting(other, title="Network engineer")
    client.force_login(award.earner)

    for holder, title in [(award, "Cloud engineer"), (other, "Network engineer"), (award, "Cloud engineer")]:
        response = client.get(reverse("award_jobs", args=[holder.public_id]), SEARCH)
        assert card_titles(response) == [title]


def test_saved_flags_are_read_per_earner_not_cached(client, award):
    posting = _posting(award, title="Cloud engineer")
    client.force_login(award.earner)
    url = reverse("award_jobs", args=[award.public_id])
    save, unsave = reverse("job_save", args=[posting.pk]), reverse("job_unsave", args=[posting.pk])
    assert f'action="{save}"' in client.get(url, SEARCH).text

    client.post(save, {"next": url})

    page = client.get(url, SEARCH).text
    assert f'action="{unsave}"' in page and f'action="{save}"' not in page


def test_without_its_version_row_the_search_is_not_cached(jobs, award):
    """A database flushed by a test run has no version row: searches are then read every time."""
    _posting(award, title="Cloud engineer")
    PostingsVersion.objects.all().delete()
    assert postings_version() is None
    assert jobs() == ["Cloud engineer"]

    _raw("UPDATE jobs_jobposting SET title = 'Cloud engineer II'")

    assert jobs() == ["Cloud engineer II"]
