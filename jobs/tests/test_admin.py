import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.tests.factories import AcceptedAwardFactory, BadgeTemplateFactory, CertificationFactory
from jobs.models import JobSource

from .factories import CertificationOccupationFactory, OccupationFactory, job_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_staff_see_each_source_with_its_last_run(staff_client):
    JobSource.objects.filter(name="adzuna").update(last_status="failed", last_error="HTTP 500 from api")

    response = staff_client.get(reverse("admin:jobs_jobsource_changelist"))

    assert response.status_code == 200
    assert b"failed" in response.content
    detail = staff_client.get(reverse("admin:jobs_jobsource_change", args=[job_source("adzuna").pk]))
    assert b"HTTP 500 from api" in detail.content


def test_staff_can_refresh_a_source_now(staff_client, django_capture_on_commit_callbacks):
    certification = CertificationFactory()
    CertificationOccupationFactory(certification=certification, occupation=OccupationFactory(soc_code="15-1252"))
    AcceptedAwardFactory(template=BadgeTemplateFactory(certification=certification))
    bundled = job_source("bundled")

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse("admin:jobs_jobsource_changelist"), {"action": "refresh_now", "_selected_action": [bundled.pk]}
        )

    assert response.status_code == 302
    bundled.refresh_from_db()
    assert bundled.last_status == "ok" and bundled.last_created > 0


def test_staff_can_change_a_source_interval(staff_client):
    source = job_source("usajobs")

    staff_client.post(
        reverse("admin:jobs_jobsource_change", args=[source.pk]), {"enabled": "on", "interval_minutes": "15"}
    )

    source.refresh_from_db()
    assert source.interval_minutes == 15


def test_certification_occupation_links_are_editable(staff_client):
    link = CertificationOccupationFactory()

    response = staff_client.get(reverse("admin:jobs_certificationoccupation_change", args=[link.pk]))

    assert response.status_code == 200
