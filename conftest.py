import os
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType

# The real-stack fixtures for integration tests: PostgreSQL, Redis, a Celery worker, an SMTP server.
pytest_plugins = ["badgeportal.tests.stack"]


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    # Real password hashing costs about a second per login on this machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://badges.example.org"
    # A fresh key prefix gives each test an empty cache (rate limits included) without
    # flushing a Redis database that the Celery broker may share.
    settings.CACHES = {alias: {**config, "KEY_PREFIX": uuid.uuid4().hex} for alias, config in settings.CACHES.items()}
    # And an empty content-type cache, as a new process has: a pinned query count must not depend on which
    # tests ran before in the same worker.
    ContentType.objects.clear_cache()
    # Pages render without `collectstatic`: the manifest storage would look for hashed files that are not there.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _tasks_in_process_unless_integration(request):
    """Unit tests run tasks in-process after commit; integration tests use a real worker."""
    from badgeportal.celery import app

    eager = request.node.get_closest_marker("integration") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def admin_user(db):
    """pytest-django's superuser, with the two-factor authentication the admin requires of staff."""
    from accounts.tests.factories import UserFactory

    return UserFactory(is_staff=True, is_superuser=True)


def require_service(reason):
    """Skip with the reason where a service is missing; fail instead where CI demands every service."""
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"Required service missing: {reason}")
    pytest.skip(reason)


CHROMIUM = "/usr/bin/chromium"
AXE_SCRIPT = os.path.join(os.path.dirname(__file__), "node_modules", "axe-core", "axe.min.js")


@pytest.fixture
def browser_page(live_server, settings):
    """A page in Debian's Chromium driven by Playwright, pointed at the live test server."""
    if not os.path.exists(CHROMIUM):
        require_service(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls in the test are still sequential.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    settings.SITE_URL = live_server.url
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        # The page's CSP would refuse the injected accessibility checker.
        context = browser.new_context(base_url=live_server.url, bypass_csp=True)
        yield context.new_page()
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def assert_accessible():
    """Run axe on the current page and fail on any WCAG A/AA violation."""
    if not os.path.exists(AXE_SCRIPT):
        require_service("axe-core is not installed (npm install)")

    def check(page):
        page.add_script_tag(path=AXE_SCRIPT)
        result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})")
        problems = [
            f"{v['id']}: {v['help']} ({', '.join(node['target'][0] for node in v['nodes'][:3])})"
            for v in result["violations"]
        ]
        assert not problems, f"axe found problems on {page.url}:\n" + "\n".join(problems)

    return check
