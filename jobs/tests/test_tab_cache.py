"""The Jobs tab's content is rendered once per postings version and page and shared by every earner who asks the
same (jobs/tab.py): what is an earner's own (the award's id, saved flags, the CSRF field, `next`) is filled in per
request and is never in the shared rendering, and whatever changes what the page shows is shown at once."""

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from badgeportal.tests.stack import free_port
from badges.models import BadgeTemplate
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory, CertificationFactory, ExamFactory
from jobs import search as postings_search
from jobs.models import JobPosting, SavedJob

from .factories import JobPostingFactory
from .helpers import card_titles

pytestmark = pytest.mark.django_db

SEARCH = {"keyword": "engineer"}


@pytest.fixture
def template():
    return BadgeTemplateFactory(certification=CertificationFactory())


@pytest.fixture
def award(template):
    return AcceptedAwardFactory(template=template)


@pytest.fixture
def other(template):
    """Another earner holding the same badge: the same search lists the same postings for both."""
    return AcceptedAwardFactory(template=template)


def _posting(template, **fields):
    fields.setdefault("posted_on", timezone.localdate() - timedelta(days=1))
    return JobPostingFactory(certifications=[template.certification], **fields)


def _signed_in(award, **kwargs):
    client = Client(**kwargs)
    client.force_login(award.earner)
    return client


def _jobs_url(award):
    return reverse("award_jobs", args=[award.public_id])


def _get(client, award, params=SEARCH):
    """The Jobs tab, and whether it read any posting row (it does not when its matches and results are cached)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_jobs_url(award), params)
    assert response.status_code == 200
    return response, any('"jobs_jobposting"' in query["sql"] for query in queries.captured_queries)


def _csrf_values(page):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)


def _toggles(page):
    """{posting id: "save" or "unsave"} from the cards' forms."""
    return {int(pk): action for pk, action in re.findall(r'action="/jobs/(\d+)/(save|unsave)/"', page)}


@pytest.fixture
def stored(monkeypatch):
    """[(key, value)] of every write to the cache, which still takes place."""
    backend = caches["default"]
    writes, write = [], backend.set

    def recording(key, value, *args, **kwargs):
        writes.append((key, value))
        return write(key, value, *args, **kwargs)

    monkeypatch.setattr(backend, "set", recording)
    return writes


def test_a_repeated_search_is_served_from_the_cache_with_the_same_markup(award, template):
    for n in range(3):
        _posting(template, title=f"Cloud engineer {n}")
    client = _signed_in(award)

    first, first_read = _get(client, award)
    again, again_read = _get(client, award)

    assert first_read and not again_read
    assert card_titles(again) == card_titles(first) == ["Cloud engineer 2", "Cloud engineer 1", "Cloud engineer 0"]

    def without_tokens(page):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    assert without_tokens(again.text) == without_tokens(first.text)


def test_another_earner_never_sees_the_first_earner_s_saved_flags_token_or_page(award, other, template):
    saved, not_saved = _posting(template, title="Cloud engineer"), _posting(template, title="Data engineer")
    SavedJob.objects.create(user=award.earner, posting=saved)
    first = _signed_in(award, enforce_csrf_checks=True)
    second = _signed_in(other, enforce_csrf_checks=True)

    mine, _ = _get(first, award)
    theirs, read_rows = _get(second, other)

    assert not read_rows  # the second earner's results came from the rendering the first earner's request stored
    assert _toggles(mine.text) == {saved.pk: "unsave", not_saved.pk: "save"}
    assert _toggles(theirs.text) == {saved.pk: "save", not_saved.pk: "save"}
    assert not set(_csrf_values(mine.text)) & set(_csrf_values(theirs.text))
    assert str(award.public_id) not in theirs.text and str(other.public_id) in theirs.text
    # The token on the second earner's page is the second earner's own: it saves a posting for them, and the
    # first earner's is refused.
    token = _csrf_values(theirs.text)[0]
    refused = second.post(reverse("job_save", args=[not_saved.pk]), {"csrfmiddlewaretoken": _csrf_values(mine.text)[0]})
    accepted = second.post(reverse("job_save", args=[not_saved.pk]), {"csrfmiddlewaretoken": token})
    assert refused.status_code == 403 and accepted.status_code == 302
    assert SavedJob.objects.filter(user=other.earner, posting=not_saved).exists()


def test_the_cache_holds_nothing_of_the_earner_who_rendered_the_page(award, template, stored):
    saved = _posting(template, title="Cloud engineer")
    SavedJob.objects.create(user=award.earner, posting=saved)

    response, _ = _get(_signed_in(award), award)

    held = repr([value for _, value in stored])
    assert "Unsave" in response.text and str(award.public_id) in response.text
    assert "Unsave" not in held and "/unsave/" not in held and "/save/" not in held
    assert "csrfmiddlewaretoken" not in held and response.cookies["csrftoken"].value not in held
    assert str(award.public_id) not in held and award.earner.email not in held
    [(texts, slots, ids, changes_at)] = [value for key, value in stored if key.startswith("jobs:tab:")]
    assert {kind for kind, _ in slots} == {"award", "toggle", "label", "csrf", "here"}
    assert ids == [saved.pk] and changes_at > timezone.now()


def test_saving_and_unsaving_show_at_once_on_a_cached_page(award, template):
    posting = _posting(template, title="Cloud engineer")
    client = _signed_in(award)
    url = _jobs_url(award)
    _get(client, award)

    client.post(reverse("job_save", args=[posting.pk]), {"next": url})
    after_save, read_rows = _get(client, award)
    client.post(reverse("job_unsave", args=[posting.pk]), {"next": url})
    after_unsave, _ = _get(client, award)

    assert not read_rows
    assert _toggles(after_save.text) == {posting.pk: "unsave"} and ">Unsave<" in after_save.text
    assert _toggles(after_unsave.text) == {posting.pk: "save"} and ">Unsave<" not in after_unsave.text


def test_the_award_s_links_and_next_are_the_earner_s_own(award, other, template):
    _posting(template, title="Cloud engineer")
    _get(_signed_in(award), award)

    response, read_rows = _get(_signed_in(other), other)  # the rendering the first earner's request stored

    assert not read_rows
    jobs_url = _jobs_url(other)
    assert f'name="next" value="{jobs_url}?keyword=engineer"' in response.text
    assert f'<a href="{jobs_url}">Clear</a>' in response.text
    assert f'<a href="{jobs_url}" aria-current="page">Jobs</a>' in response.text
    assert f'<a href="{reverse("award_salary", args=[other.public_id])}">Salary</a>' in response.text
    assert f'<a href="{other.get_absolute_url()}">Badge</a>' in response.text


def test_a_renamed_badge_is_shown_at_once(award, template):
    _posting(template, title="Cloud engineer")
    client = _signed_in(award)
    _get(client, award)

    BadgeTemplate.objects.filter(pk=template.pk).update(name="Azure Administrator Associate")
    response, _ = _get(client, award)

    assert "<h1>Jobs for Azure Administrator Associate</h1>" in response.text


def test_an_exam_badge_for_the_same_certification_shows_its_own_name(award, template):
    _posting(template, title="Cloud engineer")
    _get(_signed_in(award), award)
    exam = ExamFactory()
    exam.certifications.add(template.certification)
    exam_award = AcceptedAwardFactory(
        template=BadgeTemplateFactory(certification=None, exam=exam, name="Exam AZ-104", slug="exam-az-104")
    )

    response, _ = _get(_signed_in(exam_award), exam_award)

    assert "<h1>Jobs for Exam AZ-104</h1>" in response.text and card_titles(response) == ["Cloud engineer"]


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (lambda posting: JobPosting.objects.filter(pk=posting.pk).update(employer="Fabrikam"), "Fabrikam"),
        (lambda posting: JobPosting.objects.filter(pk=posting.pk).update(salary_min=50, salary_max=60,
                                                                         salary_period="hour"), "$50–$60 per hour"),
        (lambda posting: JobPosting.objects.filter(pk=posting.pk).update(summary="Now with on-call"),
         "Now with on-call"),
        (lambda posting: JobPosting.objects.filter(pk=posting.pk).update(apply_url=""), "No online application link"),
    ],
    ids=["employer", "salary", "summary", "apply link"],
)  # fmt: skip
def test_a_change_to_what_a_card_shows_is_shown_at_once(award, template, change, shown):
    posting = _posting(template, title="Cloud engineer")
    client = _signed_in(award)
    _get(client, award)
    assert shown not in _get(client, award)[0].text

    change(posting)

    assert shown in _get(client, award)[0].text


def test_postings_move_to_the_older_sample_as_the_clock_moves_on_a_cached_search(award, template, monkeypatch):
    now = timezone.now()
    _posting(template, title="Aging engineer", posted_on=timezone.localdate() - timedelta(days=59))
    _posting(template, title="Undated engineer", posted_on=None, fetched_at=now - timedelta(days=60, hours=-1))
    _posting(template, title="Recent engineer", posted_on=timezone.localdate() - timedelta(days=3))
    client = _signed_in(award)
    before, _ = _get(client, award)
    assert card_titles(before) == ["Recent engineer", "Aging engineer", "Undated engineer"]
    assert "see them as a dated sample" not in before.text

    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(hours=2))
    undated_older, _ = _get(client, award)
    monkeypatch.setattr(timezone, "now", lambda: now + timedelta(days=2))
    both_older, _ = _get(client, award)
    older, _ = _get(client, award, {**SEARCH, "age": "older"})

    assert card_titles(undated_older) == ["Recent engineer", "Aging engineer"]
    assert card_titles(both_older) == ["Recent engineer"] and "see them as a dated sample" in both_older.text
    assert card_titles(older) == ["Aging engineer", "Undated engineer"]


def test_a_dated_posting_turns_older_at_the_local_midnight_after_the_limit(award, template, monkeypatch):
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    _posting(template, title="Last day engineer", posted_on=noon.date() - timedelta(days=60))
    _posting(template, title="Recent engineer", posted_on=noon.date() - timedelta(days=3))
    client = _signed_in(award)
    seen = []
    for at in (noon, noon.replace(hour=23, minute=59, second=59), noon.replace(hour=0) + timedelta(days=1)):
        monkeypatch.setattr(timezone, "now", lambda at=at: at)
        response, read_rows = _get(client, award)
        seen.append((card_titles(response), read_rows))

    assert seen == [
        (["Recent engineer", "Last day engineer"], True),
        (["Recent engineer", "Last day engineer"], False),  # still the same day: from the cache
        (["Recent engineer"], True),
    ]


def test_an_undated_posting_turns_older_the_limit_after_it_was_last_fetched(award, template, monkeypatch):
    now = timezone.now()
    fetched_at = now - timedelta(days=60) + timedelta(hours=1)
    _posting(template, title="Undated engineer", posted_on=None, fetched_at=fetched_at)
    _posting(template, title="Recent engineer", posted_on=timezone.localdate() - timedelta(days=3))
    client = _signed_in(award)
    seen = []
    for at in (now, now + timedelta(minutes=59), now + timedelta(hours=1), now + timedelta(hours=1, seconds=1)):
        monkeypatch.setattr(timezone, "now", lambda at=at: at)
        response, read_rows = _get(client, award)
        seen.append((card_titles(response), read_rows))

    assert seen == [
        (["Recent engineer", "Undated engineer"], True),
        (["Recent engineer", "Undated engineer"], False),
        (["Recent engineer", "Undated engineer"], True),  # at the limit exactly: still current, rendered again
        (["Recent engineer"], True),
    ]


def test_a_broad_search_split_by_the_database_is_shared_too(award, other, template, monkeypatch, stored):
    monkeypatch.setattr(postings_search, "COUNT_CAP", 1)
    saved, not_saved = _posting(template, title="Cloud engineer"), _posting(template, title="Data engineer")
    SavedJob.objects.create(user=award.earner, posting=saved)

    mine, _ = _get(_signed_in(award), award)
    theirs, _ = _get(_signed_in(other), other)

    assert len([key for key, _ in stored if key.startswith("jobs:tab-state:")]) == 1  # rendered once
    assert card_titles(mine) == card_titles(theirs) == ["Data engineer", "Cloud engineer"]
    assert _toggles(mine.text) == {saved.pk: "unsave", not_saved.pk: "save"}
    assert _toggles(theirs.text) == {saved.pk: "save", not_saved.pk: "save"}
    assert str(award.public_id) not in theirs.text and "2 open postings" in theirs.text


def test_a_new_freshness_limit_is_shown_at_once(award, template, settings):
    _posting(template, title="Month-old engineer", posted_on=timezone.localdate() - timedelta(days=30))
    client = _signed_in(award)
    assert "1 open posting<" in _get(client, award)[0].text

    settings.JOBS_FRESH_DAYS = 14
    response, _ = _get(client, award)

    assert card_titles(response) == ["Month-old engineer"]
    assert "1 older posting, a dated sample" in response.text
    assert "No posting that fits was published in the last 14 days." in response.text


def test_the_same_page_of_another_search_is_rendered_for_that_search(award, template):
    for n in range(45):
        _posting(template, title=f"Cloud engineer {n}", remote=n % 2 == 0)
    client = _signed_in(award)

    everything, _ = _get(client, award, {"keyword": "engineer", "page": "2"})
    remote, _ = _get(client, award, {"keyword": "engineer", "remote": "on", "page": "2"})

    assert "45 open postings" in everything.text and "keyword=engineer&amp;page=1" in everything.text
    assert "23 open postings" in remote.text and "keyword=engineer&amp;remote=on&amp;page=1" in remote.text
    assert "keyword=engineer&amp;page=1" not in remote.text


@pytest.mark.parametrize(
    "caches",
    [
        pytest.param({"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}, id="empty"),
        pytest.param(
            {"default": {"BACKEND": "badgeportal.cache.RedisCache", "LOCATION": f"redis://127.0.0.1:{free_port()}/0"}},
            id="unreachable",
        ),
    ],
)
def test_without_a_cache_every_page_is_rendered_from_the_database(award, template, settings, caches):
    settings.CACHES = caches
    posting = _posting(template, title="Cloud engineer")
    client = _signed_in(award)
    first, first_read = _get(client, award)

    client.post(reverse("job_save", args=[posting.pk]), {"next": _jobs_url(award)})
    JobPosting.objects.filter(pk=posting.pk).update(employer="Fabrikam")
    second, second_read = _get(client, award)

    assert first_read and second_read
    assert card_titles(first) == card_titles(second) == ["Cloud engineer"]
    assert _toggles(first.text) == {posting.pk: "save"} and _toggles(second.text) == {posting.pk: "unsave"}
    assert "Fabrikam" in second.text


def test_a_posting_title_that_looks_like_a_slot_is_shown_as_written(award, template):
    title = "slot0123456789abcdef_csrf__ engineer"
    _posting(template, title=title)
    client = _signed_in(award)
    _get(client, award)

    response, _ = _get(client, award)

    assert card_titles(response) == [title]


def test_the_same_search_asked_in_another_order_keeps_its_own_order_in_the_links(award, template):
    for n in range(25):
        _posting(template, title=f"Cloud engineer {n}", remote=True)
    client = _signed_in(award)
    _get(client, award, {"keyword": "engineer", "remote": "on"})

    response, _ = _get(client, award, {"remote": "on", "keyword": "engineer"})

    assert 'href="?remote=on&amp;keyword=engineer&amp;page=2"' in response.text
