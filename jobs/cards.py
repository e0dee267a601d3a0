"""What a posting card shows, worked out in Python once per page rather than by template tags per card.

A page lists 20 cards; with a `{% url %}` for each of three links, a `{% csrf_token %}` and filters in each,
rendering them was about a third of the Jobs tab's CPU (bench/README.md, "Jobs tab"). The links are built from
one `reverse()` per name, the CSRF field once per page.
"""

from django.db.models import Exists, OuterRef
from django.template.backends.utils import csrf_input
from django.template.defaultfilters import truncatechars
from django.urls import reverse

from .models import JobSource, SavedJob

# The columns a card shows (jobs/_postings.html and the attribution lines): loading only these makes the page's
# 20 rows about 1 ms cheaper than all but the description. A card reading another column would cost a query
# per card, which the pinned query counts in jobs/tests/test_award_jobs.py would catch.
CARD_FIELDS = (
    "title", "employer", "locations", "remote", "salary_min", "salary_max", "salary_period", "salary_is_predicted",
    "posted_on", "summary", "status", "apply_url", "source", "origin",
)  # fmt: skip


def card_postings(postings, user):
    """`postings` with only the columns a card shows, each with whether `user` saved it (`is_saved`)."""
    return postings.only(*CARD_FIELDS).annotate(
        is_saved=Exists(SavedJob.objects.filter(user=user, posting=OuterRef("pk")))
    )


# A primary key no posting has, reversed once and replaced by each posting's own.
_PLACEHOLDER = 9876543210
LOCATION_SHOWN = 140


def _path_maker(name):
    prefix, suffix = reverse(name, args=[_PLACEHOLDER]).split(str(_PLACEHOLDER))
    return lambda pk: f"{prefix}{pk}{suffix}"


def card_paths():
    """(apply, save, unsave): each a function of a posting's pk, built from one `reverse()` per name."""
    return tuple(_path_maker(name) for name in ("job_apply", "job_save", "job_unsave"))


def card_texts(postings, apply_path):
    """Set what each card shows that is the same for every earner: its apply link and its location."""
    for posting in postings:
        posting.card_apply_path = apply_path(posting.pk)
        posting.card_location = truncatechars(posting.location_text or "Location not stated", LOCATION_SHOWN)


def saved_toggle(save_path, unsave_path, pk, saved):
    """The save form's action and its button's word for a posting the earner has saved or not."""
    return (unsave_path(pk), "Unsave") if saved else (save_path(pk), "Save")


def attribution(postings):
    """Which attribution lines the postings on a page call for."""
    return {
        "show_adzuna": any(p.source == JobSource.Name.ADZUNA for p in postings),
        "show_usajobs": any(JobSource.Name.USAJOBS in (p.source, p.origin) for p in postings),
        "show_nyc": any(p.is_nyc_open_data for p in postings),
    }


def posting_cards(request, postings):
    """The card context of a page of `postings` (annotated with `is_saved`): sets each card's links and texts,
    and returns the page-wide values the cards share."""
    apply_path, save_path, unsave_path = card_paths()
    card_texts(postings, apply_path)
    for posting in postings:
        posting.card_toggle_path, posting.card_toggle_label = saved_toggle(
            save_path, unsave_path, posting.pk, posting.is_saved
        )
    return {"csrf_field": csrf_input(request), **attribution(postings)}
