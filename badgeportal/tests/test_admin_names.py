"""The admin names the site, and its sections and models read right."""

import re

import pytest
from django.contrib import admin
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_admin_header_names_the_site(client, settings):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:index")).text

    assert f"{settings.SITE_NAME} administration" in page
    assert "Django administration" not in page and "Django site admin" not in page


def test_no_two_admin_sections_share_a_name():
    names = [model._meta.app_config.verbose_name for model in admin.site._registry]
    sections = {}
    for model in admin.site._registry:
        sections.setdefault(model._meta.app_config.verbose_name, set()).add(model._meta.app_label)

    assert {name: labels for name, labels in sections.items() if len(labels) > 1} == {}
    assert names


def test_plural_names_are_english():
    plurals = {str(model._meta.verbose_name_plural) for model in admin.site._registry}

    assert "market salaries" in plurals
    # "salarys", "entrys": a consonant before -ys is Django's default plural of a -y word.
    assert not [plural for plural in plurals if re.search(r"[^aeiou ]ys$|sss$", plural)]
