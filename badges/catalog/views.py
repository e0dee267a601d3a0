"""Public catalog pages: an issuer's badges, one badge template, eligible and retired certifications."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from ..models import Issuer
from . import selectors
from .forms import CatalogFilterForm

PAGE_SIZE = 24


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def issuer_detail(request, slug):
    issuer = get_object_or_404(Issuer, slug=slug)
    levels, products = selectors.issuer_filter_choices(issuer)
    form = CatalogFilterForm(request.GET, levels=levels, products=products)
    templates = selectors.issuer_templates(issuer, form.filters())
    page = Paginator(templates, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"issuer": issuer, "form": form, "page": page, "query": _query_without_page(request)}
    return render(request, "badges/catalog/issuer_detail.html", context)


def badge_template_detail(request, slug):
    template = get_object_or_404(selectors.templates_with_earner_count(), slug=slug)
    context = {
        "template": template,
        "exams": selectors.template_exams(template),
        "earners": selectors.template_public_earners(template),
    }
    return render(request, "badges/catalog/badge_template_detail.html", context)


def _search_text(request):
    # PostgreSQL refuses a NUL character in a query parameter.
    return request.GET.get("q", "").replace("\x00", "").strip()[:100]


def catalog_eligible(request):
    """The badges to earn as a grid of cards, by product or level; a search looks through every badge."""
    q = _search_text(request)
    group = "level" if request.GET.get("group") == "level" else "product"
    context = {"q": q, "group": group}
    if q:
        page = Paginator(selectors.catalog_search(q), PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {"page": page, "query": _query_without_page(request)}
    else:
        context |= {
            "issuers": Issuer.objects.all(),
            "templates": selectors.eligible_templates(group),
            "standalone_exams": selectors.standalone_exam_templates(),
        }
    return render(request, "badges/catalog/eligible.html", context)


def catalog_retired(request):
    """Retired certifications and exams, one year of retirements a page; a search looks through every year."""
    q = _search_text(request)
    years = selectors.retired_years()
    year = None if q else _chosen_year(request.GET.get("year"), years)
    context = {
        "q": q,
        "years": years,
        "year": year,
        "certifications": selectors.retired_certifications(q, year=year),
        "exams": selectors.retired_exams(q, year=year),
    }
    return render(request, "badges/catalog/retired.html", context)


def _chosen_year(asked, years):
    """The year asked for if there were retirements in it, else the latest."""
    known = {str(entry["year"]): entry["year"] for entry in years}
    return known.get(asked, years[0]["year"] if years else None)
