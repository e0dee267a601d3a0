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


def catalog_eligible(request):
    group = "level" if request.GET.get("group") == "level" else "product"
    context = {
        "certifications": selectors.eligible_certifications(group),
        "standalone_exams": selectors.standalone_active_exams(),
        "group": group,
        "issuers": Issuer.objects.all(),
    }
    return render(request, "badges/catalog/eligible.html", context)


def catalog_retired(request):
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    context = {"q": q, "certifications": selectors.retired_certifications(q), "exams": selectors.retired_exams(q)}
    return render(request, "badges/catalog/retired.html", context)
