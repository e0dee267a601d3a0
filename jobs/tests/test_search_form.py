"""The Jobs tab writes its search fields out (templates/jobs/_search_fields.html) rather than rendering a widget
template per field: they must stay what the generic form partial renders for JobSearchForm."""

import re

import pytest
from django.template import loader

from jobs.forms import JobSearchForm


def _normalised(html):
    """Markup without the whitespace between tags and the template's own comments."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"keyword": 'a<b "c"', "location": "Austin, TX", "remote": "on", "min_salary": "100000", "sort": "salary"},
        {"min_salary": "-5", "sort": "bogus"},
        {"min_salary": "lots", "keyword": "x" * 101},
        {"min_salary": "0", "sort": "newest"},
    ],
)
def test_the_written_out_fields_are_what_the_form_renders(data):
    form = JobSearchForm(data)
    generic = loader.get_template("partials/_form_fields.html").render({"form": form})
    written = loader.get_template("jobs/_search_fields.html").render({"form": form})

    assert "<input" in generic and _normalised(written) == _normalised(generic)
