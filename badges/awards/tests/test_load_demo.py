import io
import re

import pytest
from django.core import mail
from django.core.management import call_command

from badgeportal.tests import SAMPLE_DATA_DIR
from badges.management.commands.load_demo import NEWCOMER
from badges.models import ClaimToken

pytestmark = pytest.mark.django_db


def _claim_paths(text):
    return re.findall(r"/claim/[\w-]+/", text)


@pytest.fixture
def load_demo(settings, django_capture_on_commit_callbacks):
    settings.DATA_DIR = settings.JOBS_DATA_DIR = SAMPLE_DATA_DIR

    def run():
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):  # the claim emails go out once committed
            call_command("load_demo", stdout=out)
        return out.getvalue()

    return run


def test_the_demo_gives_the_newcomer_one_claim_link_and_it_works(load_demo, client):
    out = load_demo()

    [email] = [message for message in mail.outbox if message.to == [NEWCOMER[0]]]
    [claim_path] = _claim_paths(email.body)
    assert _claim_paths(out) == []  # no second, different link printed
    assert ClaimToken.objects.filter(award__recipient_email=NEWCOMER[0]).count() == 1
    assert client.get(claim_path).status_code == 200


def test_running_the_demo_again_sends_a_fresh_claim_email(load_demo):
    load_demo()
    mail.outbox.clear()

    load_demo()

    assert [message.to for message in mail.outbox] == [[NEWCOMER[0]]]
    assert ClaimToken.objects.filter(award__recipient_email=NEWCOMER[0]).count() == 2
