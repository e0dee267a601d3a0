"""The public page and the Open Badges documents are stored by public_id when they change (`badges.public.stored`);
every change to what they show clears them in its own transaction. The cached parts that remain in the cache
(the signed-in visitor's badge part, the badge class, the readable credential) are deleted on commit."""

import functools
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.tests.factories import UserFactory
from badges.awards.services import award_revoke
from badges.catalog.images import badge_images_generate
from badges.models import PublicDocument, Status
from badges.public import cache as public_cache
from badges.public import stored
from badges.sharing.services import award_set_visibility
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory, ExamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def award():
    template = BadgeTemplateFactory(name="Contoso Certified: Cloud Engineer Associate", criteria="")
    ExamFactory(code="CX-204", title="Developing Cloud Solutions").certifications.add(template.certification)
    return AcceptedAwardFactory(template=template, recipient_name="Ada Lovelace")


def page(client, award):
    return client.get(reverse("award_public", args=[award.public_id]))


def assertion(client, award):
    return client.get(reverse("ob2_assertion", args=[award.public_id]))


def badgeclass(client, award):
    return client.get(reverse("ob2_badgeclass", args=[award.template.slug])).json()


def credential(client, award):
    return client.get(reverse("award_credential_json", args=[award.public_id])).json()


def is_stored_public(award):
    """The award's documents are built with the running release and say the badge is public."""
    document = PublicDocument.objects.get(award=award)
    return document.built_release == stored.release() and document.visible


def warm(client, award):
    """Build the stored documents the way visitors do, and check that they are stored."""
    assert page(client, award).status_code == 200
    assert assertion(client, award).status_code == 200
    assert is_stored_public(award)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Make a change the way its own transaction would: entries are deleted when it commits."""
    return functools.partial(django_capture_on_commit_callbacks, execute=True)


def is_cleared(award):
    cached = any(cache.get(public_cache.key(kind, award.public_id)) is not None for kind in public_cache.KINDS)
    return not cached and not is_stored_public(award)


# Hits


def test_anonymous_page_from_the_store_takes_one_query(client, award, django_assert_num_queries):
    first = page(client, award)

    with django_assert_num_queries(1):  # the stored page, by public_id
        second = page(client, award)

    assert second.status_code == 200
    assert second.content == first.content
    assert "Cookie" in second["Vary"]
    assert "Content-Security-Policy" in second


def test_revoked_assertion_from_the_store_takes_one_query_and_answers_410(client, award, django_assert_num_queries):
    award_revoke(award=award, reason="Exam result annulled.")
    assertion(client, award)

    with django_assert_num_queries(1):
        response = assertion(client, award)

    assert response.status_code == 410
    assert response.json()["revocationReason"] == "Exam result annulled."


def test_anonymous_page_carries_no_csrf_token_nonce_or_cookie(client, award):
    response = page(client, award)

    assert b"csrfmiddlewaretoken" not in response.content
    assert b"nonce=" not in response.content
    assert not response.cookies


def test_a_visitor_with_a_messages_cookie_is_not_served_the_cached_page(client, award, django_assert_num_queries):
    page(client, award)
    client.cookies["messages"] = "waiting"

    with django_assert_num_queries(2):
        page(client, award)


# Who gets what


def test_the_owner_never_gets_the_cached_page(client, award):
    page(client, award)
    client.force_login(award.earner)

    content = page(client, award).content.decode()

    assert "This is your badge's public page" in content


def test_a_page_the_owner_saw_while_it_was_pending_is_not_cached(client):
    award = AwardFactory(earner=UserFactory())
    client.force_login(award.earner)
    assert "Only you can see this page" in page(client, award).content.decode()
    client.logout()

    response = page(client, award)

    assert response.status_code == 404
    assert is_cleared(award)


def test_not_found_is_never_cached(client, award):
    award_set_visibility(award=award, is_public=False)
    assert page(client, award).status_code == 404
    assert assertion(client, award).status_code == 404

    assert is_cleared(award)


# Invalidation: each change shows at once on the page and in the JSON


def test_revoking_shows_at_once(client, award, commit):
    warm(client, award)

    with commit():
        award_revoke(award=award, reason="Issued by mistake.")

    assert "Issued by mistake." in page(client, award).content.decode()
    assert assertion(client, award).status_code == 410


def test_hiding_the_badge_answers_404_at_once(client, award, commit):
    warm(client, award)

    with commit():
        award_set_visibility(award=award, is_public=False)

    assert page(client, award).status_code == 404
    assert assertion(client, award).status_code == 404


def test_hiding_the_badge_clears_an_entry_written_by_a_request_that_read_before_the_commit(
    client, award, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        award_set_visibility(award=award, is_public=False)
        # A visitor's request read the award before this transaction committed, and writes its page now.
        public_cache.put(public_cache.PAGE, award.public_id, b"the page before the change")

    assert page(client, award).status_code == 404


def test_a_build_that_read_before_a_change_is_not_stored(client, award):
    """A visitor's build read the rows (and the generation) before the change: its write must not land."""
    generation = PublicDocument.objects.get(award=award).generation
    before = stored.render(award)  # rendered from the rows as they were
    award_set_visibility(award=award, is_public=False)  # the trigger moves the generation

    written = PublicDocument.objects.filter(pk=award.pk, generation=generation).update(
        built_release=stored.release(), **before
    )

    assert written == 0
    assert page(client, award).status_code == 404
    assert assertion(client, award).status_code == 404


def test_making_the_profile_private_answers_404_at_once(client, award, commit):
    warm(client, award)
    earner = award.earner

    with commit():
        earner.profile_public = False
        earner.save(update_fields=["profile_public"])

    assert page(client, award).status_code == 404
    assert assertion(client, award).status_code == 404


def test_deactivating_the_earner_answers_404_at_once(client, award, commit):
    warm(client, award)
    earner = award.earner

    with commit():
        earner.is_active = False
        earner.save(update_fields=["is_active"])

    assert page(client, award).status_code == 404
    assert assertion(client, award).status_code == 404


def test_renaming_the_earner_clears_their_badges(client, award, commit):
    warm(client, award)
    earner = award.earner

    with commit():
        earner.full_name = "Augusta Ada King"
        earner.save(update_fields=["full_name"])

    assert is_cleared(award)


def test_a_login_does_not_clear_the_earners_badges(client, award):
    warm(client, award)

    client.force_login(award.earner)  # saves last_login

    assert not is_cleared(award)


def test_renaming_the_name_on_the_award_shows_at_once(client, award, commit):
    warm(client, award)

    with commit():
        award.recipient_name = "Augusta Ada King"
        award.save()

    assert "Augusta Ada King" in page(client, award).content.decode()


def test_renaming_the_template_shows_at_once(client, award, commit):
    warm(client, award)
    template = award.template

    with commit():
        template.name, template.slug = "Contoso Certified: Cloud Architect Expert", "cloud-architect-expert"
        template.save()

    assert "Contoso Certified: Cloud Architect Expert" in page(client, award).content.decode()
    assert assertion(client, award).json()["badge"].endswith("/cloud-architect-expert")
    assert badgeclass(client, award)["name"] == "Contoso Certified: Cloud Architect Expert"


def test_retiring_the_certification_shows_at_once(client, award, commit):
    warm(client, award)
    badgeclass(client, award)
    certification = award.template.certification

    with commit():
        certification.status, certification.retired_on = Status.RETIRED, date(2025, 6, 30)
        certification.url = "https://learn.example.org/retired-cloud-engineer"
        certification.save()

    assert "Retired on June 30, 2025" in page(client, award).content.decode()
    assert badgeclass(client, award)["criteria"]["id"] == "https://learn.example.org/retired-cloud-engineer"
    assert cache.get(public_cache.key(public_cache.OB2, award.public_id)) is None


def test_renaming_the_issuer_shows_at_once(client, award, commit):
    warm(client, award)
    credential(client, award)
    issuer = award.template.issuer

    with commit():
        issuer.name = "Fabrikam Learning"
        issuer.save()

    assert "Fabrikam Learning" in page(client, award).content.decode()
    assert credential(client, award)["issuer"]["name"] == "Fabrikam Learning"
    assert cache.get(public_cache.key(public_cache.OB2, award.public_id)) is None


def test_retiring_an_exam_of_the_certification_shows_at_once(client, award, commit):
    warm(client, award)
    exam = award.template.certification.exams.get()

    with commit():
        exam.status, exam.retired_on = Status.RETIRED, date(2025, 1, 31)
        exam.save()

    assert "Retired on January 31, 2025" in page(client, award).content.decode()


def test_adding_an_exam_to_the_certification_shows_at_once(client, award, commit):
    warm(client, award)
    badgeclass(client, award)

    with commit():
        ExamFactory(code="CX-305", title="Designing Cloud Infrastructure").certifications.add(
            award.template.certification
        )

    assert "Designing Cloud Infrastructure" in page(client, award).content.decode()
    assert "CX-305" in badgeclass(client, award)["criteria"]["narrative"]


def test_drawing_the_missing_badge_images_shows_at_once(client, award, commit):
    assert 'class="badge-image badge-placeholder' in page(client, award).content.decode()
    assertion(client, award)

    with commit():
        badge_images_generate()

    assert 'class="badge-image badge-placeholder' not in page(client, award).content.decode()
    assert "image" in assertion(client, award).json()


def test_deleting_the_earner_clears_their_badges(client, award, commit):
    warm(client, award)

    with commit():
        award.earner.delete()

    assert page(client, award).status_code == 404
    assert assertion(client, award).status_code == 404


# Expiry follows the date


def test_a_badge_is_valid_through_its_expiry_date_and_expired_the_day_after(client):
    today = public_cache.today()
    last_day = AcceptedAwardFactory(issued_on=today - timedelta(days=30), expires_on=today)
    lapsed = AcceptedAwardFactory(issued_on=today - timedelta(days=30), expires_on=today - timedelta(days=1))

    assert "Valid." in page(client, last_day).content.decode()
    assert "Expired." in page(client, lapsed).content.decode()


def test_the_cached_page_is_kept_for_today_only(client, award):
    today = public_cache.today()
    page(client, award)

    assert cache.get(public_cache.key(public_cache.PAGE, award.public_id, today)) is None  # stored, not cached
    # Tomorrow's first visitor finds nothing and renders the page with tomorrow's date, expiry included.
    assert cache.get(public_cache.key(public_cache.PAGE, award.public_id, today + timedelta(days=1))) is None


def test_a_stored_page_saying_valid_is_rebuilt_the_day_after_expiry(client):
    today = public_cache.today()
    award = AcceptedAwardFactory(issued_on=today - timedelta(days=30), expires_on=today - timedelta(days=1))
    # What yesterday's build stored: "valid" through yesterday, good until today.
    PublicDocument.objects.filter(award=award).update(
        built_release=stored.release(), visible=True, page="Valid. (yesterday)", page_until=today
    )

    content = page(client, award).content.decode()

    assert "Expired." in content
    assert "yesterday" not in content
    assert PublicDocument.objects.get(award=award).page_until is None  # "expired" stays true


def test_a_valid_page_is_stored_until_the_day_after_its_expiry(client):
    today = public_cache.today()
    award = AcceptedAwardFactory(issued_on=today - timedelta(days=30), expires_on=today)

    assert "Valid." in page(client, award).content.decode()
    assert PublicDocument.objects.get(award=award).page_until == today + timedelta(days=1)
