import re

import pytest
from django.urls import reverse

from badges.awards.services import claim_token_create
from badges.tests.factories import AwardFactory

pytestmark = pytest.mark.django_db

TOPICS = {
    "no-email": [reverse("account_signup"), reverse("account_email"), reverse("wallet")],
    "different-address": [reverse("account_email"), reverse("support_contact")],
    "expired-link": ["Email me a new link", reverse("account_signup"), reverse("wallet")],
    "declined": [reverse("wallet"), "Restore badge"],
    "wrong-name": [reverse("support_contact"), reverse("profile_settings")],
    "retired": [reverse("catalog_retired"), "can still be claimed"],
}


@pytest.mark.parametrize("topic,expected", TOPICS.items())
def test_the_help_page_answers_each_claim_problem(client, topic, expected):
    response = client.get(reverse("help"))

    section = re.search(rf'<section class="panel help-topic" id="{topic}">(.*?)</section>', response.text, re.S)
    assert section, f"no section #{topic}"
    for text in expected:
        assert text in section.group(1)
    assert f'href="#{topic}"' in response.text


def test_help_is_in_the_navigation_and_the_claim_page_links_to_it(client):
    claim_page = client.get(reverse("claim", args=[claim_token_create(award=AwardFactory())]))

    assert f'<a href="{reverse("help")}">Help</a>' in claim_page.text
    assert f'<a href="{reverse("help")}">Get help</a>' in claim_page.text


def test_a_claim_problem_page_links_to_help(client):
    response = client.get(reverse("claim", args=["no-such-token"]))

    assert response.status_code == 404
    assert f'<a href="{reverse("help")}">Get help</a>' in response.text
