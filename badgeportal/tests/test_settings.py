import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "k" * 30 + "-production-secret-0123456789abcdefghijklmnop",
    "ALLOWED_HOSTS": "badges.example.org",
    "SITE_URL": "https://badges.example.org",
    "DATABASE_URL": "sqlite:////tmp/badgeportal-deploy-check.sqlite3",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
}


def _manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=Path(settings.BASE_DIR),
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_passes_with_production_variables():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_flags_the_demo_defaults():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env={})

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr or "security.W009" in result.stderr


def _oidc_apps(env):
    script = (
        "from django.conf import settings; "
        "print([(a['provider_id'], a['settings']['server_url']) "
        "for a in settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS']])"
    )
    result = _manage("shell", "--no-imports", "-c", script, env={"DATABASE_URL": "sqlite:///:memory:", **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_sign_in_providers_are_enabled_only_by_their_client_ids():
    assert _oidc_apps({}) == "[]"
    assert _oidc_apps({"LINKEDIN_OIDC_CLIENT_ID": "li", "LINKEDIN_OIDC_CLIENT_SECRET": "s"}) == (
        "[('linkedin', 'https://www.linkedin.com/oauth')]"
    )
    assert _oidc_apps({"MICROSOFT_OIDC_CLIENT_ID": "ms", "MICROSOFT_OIDC_TENANT": "contoso.example"}) == (
        "[('microsoft', 'https://login.microsoftonline.com/contoso.example/v2.0')]"
    )


def test_debug_is_off_unless_asked_for():
    show_debug = ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.DEBUG)"]

    assert _manage(*show_debug, env={}).stdout.strip() == "False"
    assert _manage(*show_debug, env={"DEBUG": "True"}).stdout.strip() == "True"


def test_make_run_and_make_demo_turn_debug_on():
    # Each recipe line prints the DEBUG it runs with instead of running manage.py; the venv is taken as built.
    def debug_in(target):
        command = ["make", "-s", "-o", ".venv/.installed", target, "MANAGE=printenv DEBUG #"]
        result = subprocess.run(
            command, cwd=settings.BASE_DIR, env={"PATH": os.environ["PATH"]}, capture_output=True, text=True, check=True
        )
        return set(result.stdout.split())

    assert debug_in("demo") == {"True"}
    assert debug_in("run") == {"True"}
