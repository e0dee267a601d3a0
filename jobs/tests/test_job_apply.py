import pytest
from django.urls import reverse

from badges.tests.factories import CertificationFactory
from jobs.models import JobPosting

from .factories import JobPostingFactory
from .helpers import accepted_award, award_in_state

pytestmark = pytest.mark.django_db


def test_apply_counts_the_click_and_redirects_to_the_posting(client):
    award = accepted_award()
    posting = JobPostingFactory(certifications=[award.template.certification], apply_url="https://jobs.example.com/1")
    client.force_login(award.earner)

    response = client.get(reverse("job_apply", args=[posting.pk]))

    assert response.status_code == 302 and response["Location"] == "https://jobs.example.com/1"
    assert JobPosting.objects.get(pk=posting.pk).apply_clicks == 1


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://jobs.example.com/1", ""])
def test_apply_never_redirects_outside_the_web(client, url):
    award = accepted_award()
    posting = JobPostingFactory(certifications=[award.template.certification], apply_url=url)
    client.force_login(award.earner)

    response = client.get(reverse("job_apply", args=[posting.pk]))

    assert response.status_code == 404
    assert JobPosting.objects.get(pk=posting.pk).apply_clicks == 0


def test_apply_answers_404_for_a_posting_of_a_badge_the_user_does_not_hold(client):
    posting = JobPostingFactory(certifications=[CertificationFactory()])
    client.force_login(accepted_award().earner)

    assert client.get(reverse("job_apply", args=[posting.pk])).status_code == 404


def test_apply_answers_404_when_the_badge_is_only_pending(client):
    award = award_in_state("pending")
    posting = JobPostingFactory(certifications=[award.template.certification])
    client.force_login(award.earner)

    assert client.get(reverse("job_apply", args=[posting.pk])).status_code == 404


def test_apply_requires_sign_in(client):
    posting = JobPostingFactory()

    response = client.get(reverse("job_apply", args=[posting.pk]))

    assert response.status_code == 302 and reverse("account_login") in response["Location"]
