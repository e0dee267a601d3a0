import functools

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from badges.awards.selectors import own_award_or_404
from badges.models import Award, Certification

from .cards import card_postings, posting_cards
from .charts import wage_chart
from .forms import JobSearchForm
from .models import (
    NYC_ORIGIN,
    CertificationOccupation,
    JobPosting,
    MarketSalary,
    OccupationProjection,
    OccupationWage,
)
from .search import (
    cached_match_rows,
    certification_ids_for,
    page_of_ids,
    paginate,
    paginate_ids,
    posted_between,
    postings_filter,
    postings_for_certifications,
    postings_version,
    split_by_age,
    split_ids_by_age,
)
from .services import job_apply_count, saved_job_toggle
from .tab import cached_tab, tab_html

PAGE_SIZE = 20
MARKET_REGIONS_SHOWN = 10


# What the Jobs and Salary tabs (and the unlock page in their place) read of the badge: its name and address, its
# state, and what it stands for. Reading only these, with no join to the issuer or the certification, is ~0.3 ms
# less ORM work a page; a template reading another field would cost a query, which the pinned counts would catch.
_AWARD_FIELDS = (
    "public_id", "state", "revoked_at", "template__name", "template__certification_id", "template__exam_id",
)  # fmt: skip


def _unlock_page(request, award, tab):
    return render(request, "jobs/unlock.html", {"award": award, "tab": tab})


def _postings_visible_to(user):
    """Postings that fit a certification the user holds as an accepted, unrevoked badge."""
    held = Award.objects.held().filter(earner=user)
    certifications = Certification.objects.filter(
        Q(badge_template__awards__in=held) | Q(exams__badge_template__awards__in=held)
    )
    fits = JobPosting.certifications.through.objects.filter(
        jobposting_id=OuterRef("pk"), certification_id__in=certifications.values("pk")
    )
    return JobPosting.objects.filter(Exists(fits))


def _query(request, **changes):
    """The page's query string without its page number, with `changes` applied."""
    query = request.GET.copy()
    query.pop("page", None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


def _listing(request, search, rows):
    """Open postings, or, when asked or when none is current, the older ones as a dated sample.

    Postings published more than JOBS_FRESH_DAYS ago are not called open: most are filled long since.
    `rows` are the matches (`cached_match_rows`), None for a broad search. The page's object_list holds the ids
    shown; their rows are read with the rendering of the page (`jobs.tab`), and only when it is not cached.
    """
    if rows is None:  # a broad search: the database splits it, each part read off the sort index
        return _listing_split_by_the_database(request, search())
    current, older = split_ids_by_age(rows)
    asked = request.GET.get("age")
    show_older = asked == "older" or (asked != "current" and not current)
    shown = older if show_older else current
    page = page_of_ids([pk for pk, _ in shown], request.GET.get("page"), per_page=PAGE_SIZE)
    listing = {"page": page, "show_older": show_older, "older_asked": asked == "older"}
    if show_older:
        dates = [posted_on for _, posted_on in older if posted_on is not None]
        listing["older_first"], listing["older_last"] = (
            (min(dates), max(dates)) if dates and page.object_list else (None, None)
        )
    else:
        listing["has_older"] = bool(older)
    return listing


def _listing_split_by_the_database(request, postings):
    current, older = split_by_age(postings)
    asked = request.GET.get("age")
    show_older = asked == "older" or (asked != "current" and not current.exists())
    page = paginate_ids(older if show_older else current, request.GET.get("page"), per_page=PAGE_SIZE)
    listing = {"page": page, "show_older": show_older, "older_asked": asked == "older"}
    if show_older:
        listing["older_first"], listing["older_last"] = posted_between(older) if page.object_list else (None, None)
    else:
        listing["has_older"] = older.exists()
    return listing


@login_required
def award_jobs(request, public_id):
    award = own_award_or_404(request.user, public_id, related=("template",), only=_AWARD_FIELDS)
    if not award.is_held:
        return _unlock_page(request, award, "jobs")
    certification_ids = certification_ids_for(award.template)
    version = postings_version()
    shared = dict(version=version, award=award, certification_ids=certification_ids)
    body = cached_tab(request, per_page=PAGE_SIZE, **shared)
    if body is not None:
        return render(request, "jobs/award_jobs.html", {"award": award, "body": body})
    form = JobSearchForm(request.GET or None)
    filters = form.filters()
    # Built only when a cache misses: the queryset alone is ~0.4 ms of the ORM.
    search = functools.cache(lambda: postings_filter(postings_for_certifications(certification_ids), **filters))
    rows = cached_match_rows(search, version=version, certification_ids=certification_ids, filters=filters)
    listing = _listing(request, search, rows)
    listing.update(
        query=_query(request), older_query=_query(request, age="older"), current_query=_query(request, age="current")
    )
    body = tab_html(request, form=form, listing=listing, rows=rows, search=search, **shared)
    return render(request, "jobs/award_jobs.html", {"award": award, "form": form, "body": body, **listing})


def _occupations_with_figures(certification_ids):
    """Each occupation tied to the certifications, best fit first, with its latest wages and outlook."""
    links = (
        CertificationOccupation.objects.filter(certification_id__in=certification_ids)
        .select_related("occupation")
        .prefetch_related(
            Prefetch("occupation__wages", queryset=OccupationWage.objects.order_by("-year")),
            Prefetch("occupation__projections", queryset=OccupationProjection.objects.order_by("-base_year")),
        )
        .order_by("rank", "occupation__soc_code")
    )
    occupations, seen = [], set()
    for link in links:
        if link.occupation_id in seen:  # an exam counting towards two certifications may list one twice
            continue
        seen.add(link.occupation_id)
        wage = next(iter(link.occupation.wages.all()), None)
        occupations.append(
            {
                "link": link,
                "wage": wage,
                "chart": wage_chart(wage) if wage else None,
                "projection": next(iter(link.occupation.projections.all()), None),
            }
        )
    return occupations


@login_required
def award_salary(request, public_id):
    award = own_award_or_404(request.user, public_id, related=("template",), only=_AWARD_FIELDS)
    if not award.is_held:
        return _unlock_page(request, award, "salary")
    certification_ids = certification_ids_for(award.template)
    occupations = _occupations_with_figures(certification_ids)
    # Market figures are kept per certification; an exam badge shows those of its first certification.
    primary = certification_ids[:1]
    market = list(MarketSalary.objects.filter(certification_id__in=primary).order_by("-postings"))
    context = {
        "award": award,
        "occupations": occupations,
        "market_overall": next((m for m in market if not m.region), None),
        "market_regions": [m for m in market if m.region][:MARKET_REGIONS_SHOWN],
        "market_has_nyc": bool(market) and postings_for_certifications(primary).filter(origin=NYC_ORIGIN).exists(),
        "tab": "salary",
    }
    return render(request, "jobs/award_salary.html", context)


@login_required
def saved_jobs(request):
    postings = _postings_visible_to(request.user).filter(saved_by__user=request.user)
    postings = card_postings(postings, request.user).order_by("-saved_by__saved_at", "-id")
    page = paginate(postings, request.GET.get("page"), per_page=PAGE_SIZE)
    page.object_list = list(page.object_list)
    context = {"page": page, "query": "", "here": request.get_full_path(), **posting_cards(request, page.object_list)}
    return render(request, "jobs/saved_jobs.html", context)


@login_required
def job_apply(request, pk):
    """Count the click, then send the earner to the employer's own page."""
    posting = get_object_or_404(_postings_visible_to(request.user), pk=pk)
    if not posting.has_safe_apply_url:
        raise Http404("This posting has no application link.")
    job_apply_count(posting=posting)
    return redirect(posting.apply_url)


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("saved_jobs")


@login_required
@require_POST
def job_save(request, pk):
    posting = get_object_or_404(_postings_visible_to(request.user), pk=pk)
    saved_job_toggle(user=request.user, posting=posting, save=True)
    return _back(request)


@login_required
@require_POST
def job_unsave(request, pk):
    posting = get_object_or_404(_postings_visible_to(request.user), pk=pk)
    saved_job_toggle(user=request.user, posting=posting, save=False)
    return _back(request)
