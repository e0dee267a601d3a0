"""Redis killed and restarted empty under a real worker, with a redis-server of the test's own as the broker
and the cache of both the worker and this process (which plays the web server)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import PASSWORD, UserFactory
from badgeportal.tests.stack import eventually
from badges.awards.services import award_accept, award_issue, claim_token_create
from badges.tests.factories import AcceptedAwardFactory, AwardFactory, BadgeTemplateFactory
from outbox.models import OutboxEmail, OutboxState

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_on_private_redis(private_redis, worker_processes, smtp_inbox, use_redis):
    def start(*args, **settings):
        use_redis(private_redis.url)
        return worker_processes(
            "--concurrency=2",
            *args,
            REDIS_URL=private_redis.url,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_inbox.port}",
            OUTBOX_RETRY_SECONDS=1,
            **settings,
        )

    return start


def issue(template, prefix, count):
    return [award_issue(template=template, email=f"{prefix}{n}@example.com", name=f"Earner {n}") for n in range(count)]


def refused_and_due_again(address):
    email = OutboxEmail.objects.get(to=address)
    return bool(email.last_error) and email.sent_at is None and email.next_attempt_at <= timezone.now()


def test_the_worker_survives_redis_dying_while_it_holds_a_message(worker_on_private_redis, private_redis, smtp_inbox):
    # Two pool processes, one busy: the worker holds that task's message unacknowledged (acks_late) and
    # waits on Redis for another. That is when kombu used to take the worker down (badgeportal/broker.py).
    worker = worker_on_private_redis()
    template = BadgeTemplateFactory()
    smtp_inbox.hold("held0@example.com")
    held = issue(template, "held", 1)
    assert smtp_inbox.holding.wait(timeout=30)

    private_redis.kill()
    assert eventually(lambda: "Connection to broker lost" in worker.log())
    private_redis.start()
    smtp_inbox.release()

    assert eventually(lambda: worker.log().count("Connected to") >= 2), worker.log()
    # Released, the held email was refused (451) and waits for its retry: the beat's sweep would send it,
    # and there is no beat here. Once it is due, the sweep that the next email queues sends both.
    assert eventually(lambda: refused_and_due_again("held0@example.com")), worker.log()
    after = issue(template, "after", 1)  # queued on the new, empty Redis: only a live worker sends it
    assert eventually(lambda: len(smtp_inbox.messages) == 2), worker.log()
    assert worker.is_alive()
    assert "Unrecoverable error" not in worker.log()
    assert smtp_inbox.recipients() == sorted(award.recipient_email for award in held + after)


def test_redis_killed_and_restarted_empty_loses_doubles_and_breaks_nothing(
    worker_on_private_redis, private_redis, smtp_inbox, client, tmp_path
):
    worker = worker_on_private_redis("--beat", f"--schedule={tmp_path / 'beat-schedule'}", OUTBOX_SWEEP_SECONDS=1)
    template = BadgeTemplateFactory()
    public = AcceptedAwardFactory(template=template)
    pending = AwardFactory(template=template, recipient_email="lin@example.com")
    user = UserFactory(email="lin@example.com")
    smtp_inbox.hold("before7@example.com")
    before = issue(template, "before", 10)
    assert smtp_inbox.holding.wait(timeout=30)  # draining

    private_redis.kill()
    during = issue(template, "during", 10)
    claim_url = reverse("claim", args=[claim_token_create(award=pending)])
    answers = {
        "public page": client.get(reverse("award_public", args=[public.public_id])).status_code,
        "OB assertion": client.get(reverse("ob2_assertion", args=[public.public_id])).status_code,
        "claim page": client.get(claim_url).status_code,
        "login page": client.get(reverse("account_login")).status_code,
        "login": client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code,
        "claim": client.post(claim_url, {"action": "collect"}).status_code,
        "support form": client.get(reverse("support_contact")).status_code,
        "support request": client.post(
            reverse("support_contact"),
            {"name": "Lin Park", "email": "lin@example.com", "concerning": "AZ-104", "message": "Hello"},
        ).status_code,
    }
    pending.refresh_from_db()
    award_accept(award=pending)
    smtp_inbox.release()
    private_redis.start()

    assert answers == {
        "public page": 200,
        "OB assertion": 200,
        "claim page": 200,
        "login page": 200,
        "login": 302,
        "claim": 302,
        "support form": 200,
        "support request": 302,
    }
    expected = sorted([award.recipient_email for award in before + during] + ["lin@example.com"])
    assert eventually(lambda: len(smtp_inbox.messages) >= len(expected)), worker.log()
    assert not eventually(lambda: len(smtp_inbox.messages) > len(expected), timeout=2)
    assert smtp_inbox.recipients() == expected
    assert not OutboxEmail.objects.exclude(sent_at__isnull=False).exists()
    assert OutboxEmail.objects.in_state(OutboxState.SENT).count() == len(expected)
    assert worker.is_alive()
