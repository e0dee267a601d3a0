"""Public catalog pages: an issuer's badges, one badge template, eligible and retired certifications."""

from django.core.paginator import Paginator
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, When
from django.shortcuts import get_object_or_404, render

from .forms_catalog import EXAM_LEVEL, CatalogFilterForm
from .models import Award, AwardState, BadgeTemplate, Certification, Exam, Issuer, Status

PAGE_SIZE = 24
PUBLIC_EARNERS_SHOWN = 100
RETIRED = Q(certification__status=Status.RETIRED) | Q(exam__status=Status.RETIRED)


def _with_earner_count(templates):
    accepted = Q(awards__state=AwardState.ACCEPTED, awards__revoked_at__isnull=True)
    return templates.annotate(earner_count=Count("awards__earner", filter=accepted, distinct=True))


def _search(templates, q):
    exam_of_certification = Exam.objects.filter(certifications=OuterRef("certification"), code__icontains=q)
    return templates.filter(
        Q(name__icontains=q) | Q(skills__icontains=q) | Q(exam__code__icontains=q) | Exists(exam_of_certification)
    )


def _filtered(templates, filters):
    if q := filters.get("q"):
        templates = _search(templates, q.strip())
    if level := filters.get("level"):
        templates = (
            templates.filter(exam__isnull=False)
            if level == EXAM_LEVEL
            else templates.filter(certification__level=level)
        )
    if product := filters.get("product"):
        templates = templates.filter(Q(certification__product=product) | Q(exam__product=product))
    if status := filters.get("status"):
        templates = templates.filter(RETIRED) if status == Status.RETIRED else templates.exclude(RETIRED)
    return templates


def _query_without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _distinct(queryset, field):
    return set(queryset.exclude(**{field: ""}).order_by().values_list(field, flat=True).distinct())


def issuer_detail(request, slug):
    issuer = get_object_or_404(Issuer, slug=slug)
    certifications = Certification.objects.filter(badge_template__issuer=issuer)
    levels = _distinct(certifications, "level")
    products = _distinct(certifications, "product") | _distinct(
        Exam.objects.filter(badge_template__issuer=issuer), "product"
    )
    form = CatalogFilterForm(request.GET, levels=levels, products=products)
    templates = _filtered(issuer.badge_templates.select_related("certification", "exam"), form.filters())
    # Active badges first, the most earned first among them: what a visitor most likely looks for.
    retired_last = Case(When(RETIRED, then=1), default=0, output_field=IntegerField())
    ordered = _with_earner_count(templates).order_by(retired_last, "-earner_count", "name", "pk")
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"issuer": issuer, "form": form, "page": page, "query": _query_without_page(request)}
    return render(request, "badges/catalog/issuer_detail.html", context)


def badge_template_detail(request, slug):
    template = get_object_or_404(
        _with_earner_count(BadgeTemplate.objects.select_related("issuer", "certification", "exam")), slug=slug
    )
    if template.certification:
        exams = template.certification.exams.order_by("status", "code")
    else:
        exams = [template.exam] if template.exam else []
    earners = (
        Award.objects.publicly_visible()
        .not_revoked()
        .filter(template=template)
        .only("public_id", "recipient_name", "issued_on")
        .order_by("-issued_on", "recipient_name")[:PUBLIC_EARNERS_SHOWN]
    )
    context = {"template": template, "exams": exams, "earners": earners}
    return render(request, "badges/catalog/badge_template_detail.html", context)


def catalog_eligible(request):
    group = "level" if request.GET.get("group") == "level" else "product"
    active_exams = Exam.objects.filter(status=Status.ACTIVE).select_related("badge_template").order_by("code")
    certifications = (
        Certification.objects.filter(status=Status.ACTIVE)
        .select_related("badge_template")
        .prefetch_related(Prefetch("exams", queryset=active_exams, to_attr="active_exams"))
        .order_by(group, "name")
    )
    standalone_exams = active_exams.filter(certifications__isnull=True)
    context = {
        "certifications": certifications,
        "standalone_exams": standalone_exams,
        "group": group,
        "issuers": Issuer.objects.all(),
    }
    return render(request, "badges/catalog/eligible.html", context)


def catalog_retired(request):
    q = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    newest_first = [F("retired_on").desc(nulls_last=True)]
    certifications = Certification.objects.filter(status=Status.RETIRED).select_related("badge_template")
    exams = Exam.objects.filter(status=Status.RETIRED).select_related("badge_template")
    if q:
        certifications = certifications.filter(
            Q(name__icontains=q) | Exists(Exam.objects.filter(certifications=OuterRef("pk"), code__icontains=q))
        )
        exams = exams.filter(Q(code__icontains=q) | Q(title__icontains=q))
    context = {
        "q": q,
        "certifications": certifications.prefetch_related("exams").order_by(*newest_first, "name"),
        "exams": exams.order_by(*newest_first, "code"),
    }
    return render(request, "badges/catalog/retired.html", context)
