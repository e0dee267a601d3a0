"""Two nodes of one site: two gunicorn web servers on different ports, a worker for the `emails` queue and one
for every other queue, and one beat, all on one PostgreSQL database, one Redis and one S3 bucket (moto's
server), with an SMTP server as the mail provider. Everything the test does to the site goes over HTTP, as a
person would; a load balancer would send each request to either node.
"""

import io
import re
import zipfile
from collections import Counter
from urllib.parse import urljoin

import pytest
import requests
from django.db import transaction
from django.urls import reverse

from accounts.tests.factories import PASSWORD, UserFactory, totp_code, totp_enable
from badgeportal.tests.stack import eventually, plain_text, read_form
from badges.awards.services import CLAIM_EMAIL
from badges.catalog.images import rendition_name
from badges.models import Award, AwardState
from badges.openbadges import baking
from badges.tests.factories import BadgeTemplateFactory
from badges.tests.images import image_bytes
from outbox.models import OutboxEmail
from outbox.services import outbox_enqueue_many

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EARNER_PASSWORD = "earner-pass-phrase-for-two-nodes"
METRICS_TOKEN = "two-nodes-metrics-token"
DRAIN = 200  # claim emails queued at once, as an import of a few hundred earners queues them
HELD = 130  # the one the emails worker is sending when it is killed: in its second batch of OUTBOX_BATCH_SIZE (100)
EMAILS_WORKER = ("-Q", "emails", "--concurrency=1")


class Site:
    """The processes of the site, and the settings they share."""

    def __init__(self, node_a, node_b, emails_worker, other_worker, environment):
        self.node_a, self.node_b = node_a, node_b
        self.emails_worker, self.other_worker = emails_worker, other_worker
        self.environment = environment


@pytest.fixture
def site(settings, private_redis, use_redis, s3_bucket, smtp_inbox, worker_processes, beat_processes, web_processes):
    # A Redis of the site's own: the web servers' rate limits and cache start empty, whatever ran before.
    use_redis(private_redis.url)  # this process queues tasks too, as a management command would
    # Sweeps every second and retries a second after a failure, so that what a killed worker held is sent
    # again within the test; the rest is production's configuration.
    shared = {
        "REDIS_URL": private_redis.url,
        **s3_bucket.environment(),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_inbox.port}",
        "OUTBOX_SWEEP_SECONDS": 1,
        "OUTBOX_RETRY_SECONDS": 1,
        "OUTBOX_RETRY_MAX_SECONDS": 2,
        "METRICS_TOKEN": METRICS_TOKEN,
    }
    # Every process starts at once (each imports Django: seconds on a loaded machine), then all are awaited.
    node_a = web_processes(wait=False, **shared)
    shared["SITE_URL"] = node_a.url  # the address in emails: the load balancer's, which node A stands for
    node_b = web_processes(wait=False, **shared)
    emails_worker = worker_processes(*EMAILS_WORKER, wait=False, **shared)
    other_worker = worker_processes("-Q", "default,imports,webhooks,jobs", "--concurrency=1", wait=False, **shared)
    beat = beat_processes(wait=False, **shared)
    for process in (node_a, node_b, emails_worker, other_worker, beat):
        process.wait_until_ready()
    settings.SITE_URL = node_a.url
    yield Site(node_a, node_b, emails_worker, other_worker, shared)
    # Shown with a failure: a 500's traceback is in the web server's log, not in the page the test read.
    for name, process in (("node A", node_a), ("node B", node_b), ("beat", beat)):
        print(f"--- {name} ({process.log_path.name}), last lines:\n{process.log()[-4000:]}")


def _post_form(session, url, *, form_id=None, form_action=None, files=None, **fields):
    """Open the page at `url`, fill in its form (the one with `form_id`, or the first whose action holds
    `form_action`) with `fields` and send it; returns the answer, unfollowed."""
    page = session.get(url, timeout=60)
    assert page.status_code == 200, f"{url}: {page.status_code}\n{page.text[:2000]}"
    action, data = read_form(page.text, form_id=form_id, action=form_action)
    target = urljoin(url, action) if action else url
    return session.post(target, data={**data, **fields}, files=files, allow_redirects=False, timeout=60)


def _follow(session, base, response):
    """Follow the redirects of an answer to its page, on the node `base` (redirects are paths)."""
    while response.status_code in (301, 302, 303):
        location = response.headers["Location"]
        response = session.get(location if location.startswith("http") else base + location, allow_redirects=False)
    return response


def _staff_signs_in(node, user, secret):
    """The real sign-in form, then the authenticator app's code, as staff sign in to the admin."""
    session = requests.Session()
    login = f"{node.url}{reverse('account_login')}?next={reverse('admin:index')}"
    answer = _post_form(session, login, form_action=reverse("account_login"), login=user.email, password=PASSWORD)
    assert answer.status_code == 302 and reverse("mfa_authenticate") in answer.headers["Location"], answer.text
    # A code read just as its 30 seconds end may reach the server in the next period: a person types the new one.
    for _attempt in range(3):
        answer = _post_form(session, node.url + reverse("mfa_authenticate"), code=totp_code(secret))
        if answer.status_code == 302:
            break
    assert answer.status_code == 302, answer.text
    assert session.get(node.url + reverse("admin:index"), timeout=60).status_code == 200
    return session


def _staff_upload_a_badge_image(session, node, template):
    change = node.url + reverse("admin:badges_badgetemplate_change", args=[template.pk])
    photo = ("artwork.jpg", image_bytes("JPEG", (700, 500), colour=(20, 90, 160)), "image/jpeg")
    answer = _post_form(session, change, form_id="badgetemplate_form", files={"image": photo})
    assert answer.status_code == 302, answer.text[:3000]


def _staff_issue_a_badge(session, node, template, email, name):
    add = node.url + reverse("admin:badges_award_add")
    fields = {"template": template.pk, "recipient_email": email, "recipient_name": name, "issued_on": "2026-11-02"}
    answer = _post_form(session, add, form_id="award_form", **fields)
    assert answer.status_code == 302, answer.text[:3000]


def _earner_claims_signs_up_and_accepts(node, claim_path, email):
    session = requests.Session()
    answer = _post_form(session, node.url + claim_path, action="signup")
    signup = answer.headers["Location"]
    assert signup.startswith(reverse("account_signup")), signup
    # The form arrives with the address and the name from the award filled in; the earner chooses a password.
    passwords = {"password1": EARNER_PASSWORD, "password2": EARNER_PASSWORD}
    answer = _post_form(session, node.url + signup, form_action=reverse("account_signup"), **passwords)
    assert answer.status_code == 302, answer.text[:3000]
    wallet_page = _follow(session, node.url, answer)
    assert wallet_page.status_code == 200 and "is in your wallet" in wallet_page.text, wallet_page.text[:3000]
    award = Award.objects.get(recipient_email=email)
    accept = reverse("award_accept", args=[award.public_id])
    answer = _post_form(session, node.url + award.get_absolute_url(), form_action=accept)
    assert answer.status_code == 302, answer.text[:3000]
    return session, award


def _without_baked_data(png):
    """The PNG as it was before baking added its Open Badges chunk."""
    chunks = [
        baking._chunk(kind, data)
        for kind, data in baking.iter_chunks(png)
        if baking._text_keyword(kind, data) != baking.OB2_KEYWORD
    ]
    return baking.PNG_SIGNATURE + b"".join(chunks)


def _image_url(html):
    return re.search(r'<img[^>]+src="([^"]+/badges/[^"]+\.png)"', html).group(1)


def test_issue_on_one_node_claim_and_accept_on_the_other_and_lose_no_email_to_a_killed_worker(
    site, s3_bucket, smtp_inbox, worker_processes, settings
):
    node_a, node_b = site.node_a, site.node_b
    # The servers hash passwords with the production hashers; this process's fast test hasher is not among them.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    staff = UserFactory(email="staff@example.com", is_staff=True, is_superuser=True, mfa=False)
    secret = totp_enable(staff)  # as enrolling an authenticator app under Account does
    template = BadgeTemplateFactory(name="Cloud Engineer Associate")

    # Each node finds the database migrated, Redis and the bucket, as the load balancer asks it.
    for node in (node_a, node_b):
        ready = requests.get(node.url + reverse("readyz"), timeout=60)
        assert ready.status_code == 200, ready.text
        assert set(ready.json()["checks"]) >= {"database", "migrations", "cache", "broker", "storage"}

    # Node A: staff sign in with their authenticator app, upload the badge's artwork and issue a badge.
    staff_session = _staff_signs_in(node_a, staff, secret)
    _staff_upload_a_badge_image(staff_session, node_a, template)
    _staff_issue_a_badge(staff_session, node_a, template, "noor@example.com", "Noor Ali")

    # The emails worker sends the claim email, with a link to the site.
    assert eventually(lambda: smtp_inbox.recipients() == ["noor@example.com"], timeout=60), site.emails_worker.log()
    link = re.search(r"(https?://[^/\s]+)(/claim/[\w-]+/)", plain_text(smtp_inbox.messages[0]))
    assert link.group(1) == node_a.url

    # Node B: the earner opens the link, signs up with the address it proved, lands on the badge and accepts it.
    earner_session, award = _earner_claims_signs_up_and_accepts(node_b, link.group(2), "noor@example.com")
    award.refresh_from_db()
    assert award.state == AwardState.ACCEPTED
    assert award.earner.email == "noor@example.com" and award.earner.full_name == "Noor Ali"

    # The artwork node A stored (and its sized copies) is what node B shows, publishes and bakes.
    template.refresh_from_db()
    stored = s3_bucket.read(template.image.name)
    public_page = requests.get(node_b.url + reverse("award_public", args=[award.public_id]), timeout=60)
    assert public_page.status_code == 200
    shown = _image_url(public_page.text)
    assert shown == f"{s3_bucket.url}/{rendition_name(template.image.name, 256, 'png')}"
    image = requests.get(shown, timeout=60)
    assert image.status_code == 200 and image.content == s3_bucket.read(rendition_name(template.image.name, 256, "png"))
    badgeclass = requests.get(node_b.url + reverse("ob2_badgeclass", args=[template.slug]), timeout=60).json()
    image = requests.get(badgeclass["image"], timeout=60)
    assert image.status_code == 200 and image.content == stored
    baked = requests.get(node_b.url + reverse("award_baked_png", args=[award.public_id]), timeout=60)
    assert baked.status_code == 200 and _without_baked_data(baked.content) == stored

    # The earner asks node B for their data; the worker of the other queues builds it (baking the artwork it
    # reads from the bucket) and stores it there, and node A hands it out.
    answer = _post_form(earner_session, node_b.url + reverse("account_data"), form_action=reverse("data_export_start"))
    status_page = answer.headers["Location"]
    download = node_a.url + status_page + "download/"
    assert eventually(
        lambda: earner_session.get(download, allow_redirects=False, timeout=60).status_code == 200, timeout=60
    ), site.other_worker.log()
    archive = zipfile.ZipFile(io.BytesIO(earner_session.get(download, timeout=60).content))
    [baked_in_archive] = [name for name in archive.namelist() if name.endswith("/baked-ob2.png")]
    assert _without_baked_data(archive.read(baked_in_archive)) == stored

    # Both nodes report the same figures, counted in the shared database.
    scrapes = [
        requests.get(f"{node.url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=60)
        for node in (node_a, node_b)
    ]
    held = [re.search(r'badgeportal_awards\{state="held"\} (\S+)', scrape.text).group(1) for scrape in scrapes]
    assert held == ["1.0", "1.0"]

    # A few hundred claim emails; the emails worker is killed (SIGKILL) in the middle of sending one of them, in
    # its second batch, and started again. (Killed between the SMTP server's "accepted" and its own commit, the
    # one window every SMTP client has, it would send that one email twice: README, "Emails: the outbox".)
    awards = Award.objects.bulk_create(
        Award(template=template, recipient_email=f"import{n}@example.com", recipient_name=f"Earner {n}")
        for n in range(DRAIN)
    )
    smtp_inbox.hold(awards[HELD].recipient_email)
    with transaction.atomic():
        rows = [OutboxEmail(kind=CLAIM_EMAIL, to=a.recipient_email, payload={"award_id": a.pk}) for a in awards]
        outbox_enqueue_many(emails=rows)
    assert smtp_inbox.holding.wait(timeout=60), site.emails_worker.log()
    site.emails_worker.kill()
    smtp_inbox.release()
    assert smtp_inbox.recipients().count("noor@example.com") == 1
    assert len(smtp_inbox.messages) == 1 + HELD  # in order, up to the one it was sending
    worker_processes(*EMAILS_WORKER, **site.environment)

    expected = {award.recipient_email for award in awards} | {"noor@example.com"}
    assert eventually(lambda: len(smtp_inbox.messages) >= len(expected), timeout=60), (
        len(smtp_inbox.messages),
        site.emails_worker.log()[-3000:],
    )
    assert not eventually(lambda: len(smtp_inbox.messages) > len(expected), timeout=2)
    received = Counter(message["To"] for message in smtp_inbox.messages)
    assert set(received) == expected
    assert set(received.values()) == {1}
    assert not OutboxEmail.objects.filter(sent_at__isnull=True).exists()
    # The queues kept apart: only the emails worker sent email, only the other one built the download.
    assert "Task outbox.tasks.outbox_sweep[" not in site.other_worker.log()
    assert "Task accounts.tasks.data_export_build_task[" in site.other_worker.log()
