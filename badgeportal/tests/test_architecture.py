"""Imports between our apps run one way: a lower app never imports a higher one.

A lower app that must react to a higher one offers a hook (`outbox.registry`, `badges.awards.signals`).
Tests, migrations and the project package (`badgeportal`, which wires everything) are not checked.
"""

import ast
from pathlib import Path

from django.conf import settings

# Lowest first. An app may import its own tier's package only (itself) and any lower tier.
TIERS = [
    {"outbox"},
    {"accounts"},
    {"support"},
    {"badges"},
    {"jobs", "webhooks"},
    {"api"},
]
TIER_OF = {app: level for level, apps in enumerate(TIERS) for app in apps}
ROOT = Path(settings.BASE_DIR)


def imported_apps(source):
    """The top-level packages a module's source imports, absolute imports only (relative ones stay inside)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & TIER_OF.keys()


def app_modules(app):
    for path in sorted((ROOT / app).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" not in parts and "migrations" not in parts:
            yield path


def upward_imports(app, source):
    return sorted(other for other in imported_apps(source) if TIER_OF[other] > TIER_OF[app])


def test_every_app_is_in_a_tier():
    assert {app.split(".")[0] for app in settings.INSTALLED_APPS} >= TIER_OF.keys()
    local = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert local == TIER_OF.keys(), "Place each new app in TIERS"


def test_no_app_imports_a_higher_one():
    between_apps = []
    for app in TIER_OF:
        for path in app_modules(app):
            for other in imported_apps(path.read_text()) - {app}:
                between_apps.append((path.relative_to(ROOT), other, TIER_OF[other] > TIER_OF[app]))
    upward = [f"{path} imports {other}" for path, other, up in between_apps if up]
    assert between_apps, "the walk found no import between apps at all"
    assert not upward, "imports pointing up:\n" + "\n".join(upward)


def test_the_check_catches_an_upward_import():
    assert upward_imports("badges", "import jobs.services\nfrom outbox.services import outbox_enqueue") == ["jobs"]
    assert upward_imports("outbox", "from badges.models import Award") == ["badges"]
    assert upward_imports("jobs", "from badges.models import Award\nfrom .models import JobPosting") == []
