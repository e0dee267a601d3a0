"""`InLines`: a long `IN` list as one parameter on PostgreSQL, a plain `IN` elsewhere, the same rows either way."""

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import Lower
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from accounts.tests.factories import UserFactory
from badgeportal.lookups import InLines

pytestmark = pytest.mark.django_db


def test_it_finds_exactly_the_listed_values_in_one_query():
    for name in ["ada", "grace", "alan"]:
        UserFactory(email=f"{name}@example.com")
    wanted = (email for email in ["ada@example.com", "alan@example.com", "nobody@example.com", "ada@example.com"])

    with CaptureQueriesContext(connection) as queries:
        found = set(User.objects.filter(InLines(F("email"), wanted)).values_list("email", flat=True))

    assert found == {"ada@example.com", "alan@example.com"}
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":  # one text parameter whatever the number of values, each value once
        assert "= ANY(string_to_array('ada@example.com\nalan@example.com\nnobody@example.com', " in sql
    else:
        assert " IN (" in sql


def test_it_works_on_an_expression_and_an_empty_list_matches_nothing():
    UserFactory(email="Ada@Example.com")

    users = User.objects.annotate(lower=Lower("email"))

    assert users.filter(InLines(F("lower"), ["ada@example.com"])).count() == 1
    assert users.filter(InLines(F("lower"), [])).count() == 0


def test_a_value_holding_the_separator_is_refused_rather_than_split():
    with pytest.raises(ValueError, match="newline"):
        InLines(F("email"), ["ada@example.com\ngrace@example.com"])
