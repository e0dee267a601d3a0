import pytest
from django.urls import reverse

from badges.tests.factories import CertificationFactory
from jobs.models import SavedJob

from .factories import JobPostingFactory
from .helpers import accepted_award

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    return accepted_award()


def test_saving_a_posting_lists_it_under_saved_jobs(client, award):
    posting = JobPostingFactory(title="Kept for later", certifications=[award.template.certification])
    client.force_login(award.earner)
    jobs_url = reverse("award_jobs", args=[award.public_id])

    response = client.post(reverse("job_save", args=[posting.pk]), {"next": jobs_url})

    assert response.status_code == 302 and response["Location"] == jobs_url
    saved = client.get(reverse("saved_jobs"))
    assert b"Kept for later" in saved.content and b">Unsave" in saved.content


def test_a_saved_posting_that_closed_says_so_and_offers_no_apply_button(client, award):
    posting = JobPostingFactory(
        title="Gone now", certifications=[award.template.certification], status="closed", closed_at="2026-01-01T00:00Z"
    )
    SavedJob.objects.create(user=award.earner, posting=posting)
    client.force_login(award.earner)

    response = client.get(reverse("saved_jobs"))

    assert b"Closed</span>" in response.content
    assert reverse("job_apply", args=[posting.pk]).encode() not in response.content


def test_saving_twice_keeps_one_row(client, award):
    posting = JobPostingFactory(certifications=[award.template.certification])
    client.force_login(award.earner)

    client.post(reverse("job_save", args=[posting.pk]))
    client.post(reverse("job_save", args=[posting.pk]))

    assert SavedJob.objects.filter(user=award.earner).count() == 1


def test_unsaving_removes_it(client, award):
    posting = JobPostingFactory(certifications=[award.template.certification])
    SavedJob.objects.create(user=award.earner, posting=posting)
    client.force_login(award.earner)

    client.post(reverse("job_unsave", args=[posting.pk]))

    assert not SavedJob.objects.filter(user=award.earner).exists()


def test_saving_needs_post(client, award):
    posting = JobPostingFactory(certifications=[award.template.certification])
    client.force_login(award.earner)

    assert client.get(reverse("job_save", args=[posting.pk])).status_code == 405


def test_next_pointing_elsewhere_is_ignored(client, award):
    posting = JobPostingFactory(certifications=[award.template.certification])
    client.force_login(award.earner)

    response = client.post(reverse("job_save", args=[posting.pk]), {"next": "https://evil.example/"})

    assert response["Location"] == reverse("saved_jobs")


def test_a_posting_for_a_badge_the_user_does_not_hold_cannot_be_saved(client, award):
    posting = JobPostingFactory(certifications=[CertificationFactory()])
    client.force_login(award.earner)

    response = client.post(reverse("job_save", args=[posting.pk]))

    assert response.status_code == 404 and not SavedJob.objects.exists()


def test_saved_jobs_query_count_does_not_grow(client, award, django_assert_num_queries):
    client.force_login(award.earner)
    for _ in range(3):
        SavedJob.objects.create(
            user=award.earner, posting=JobPostingFactory(certifications=[award.template.certification])
        )
    # session, user, count, page
    with django_assert_num_queries(4):
        client.get(reverse("saved_jobs"))
    for _ in range(10):
        SavedJob.objects.create(
            user=award.earner, posting=JobPostingFactory(certifications=[award.template.certification])
        )

    with django_assert_num_queries(4):
        response = client.get(reverse("saved_jobs"))

    assert len(response.context["page"].object_list) == 13
