"""Reads behind the public catalog: an issuer's badges, one badge template, eligible and retired ones."""

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, When

from ..models import Award, BadgeTemplate, Certification, Exam, Status
from .forms import EXAM_LEVEL

PUBLIC_EARNERS_SHOWN = 100
RETIRED = Q(certification__status=Status.RETIRED) | Q(exam__status=Status.RETIRED)
NEWEST_RETIREMENT_FIRST = [F("retired_on").desc(nulls_last=True)]


def with_earner_count(templates):
    """Annotate `earner_count`: how many people hold each badge."""
    return templates.annotate(
        earner_count=Count("awards__earner", filter=Award.objects.held_q("awards__"), distinct=True)
    )


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


def _distinct(queryset, field):
    return set(queryset.exclude(**{field: ""}).order_by().values_list(field, flat=True).distinct())


def issuer_filter_choices(issuer):
    """The levels and product families among an issuer's badges, for the filter form."""
    certifications = Certification.objects.filter(badge_template__issuer=issuer)
    levels = _distinct(certifications, "level")
    products = _distinct(certifications, "product") | _distinct(
        Exam.objects.filter(badge_template__issuer=issuer), "product"
    )
    return levels, products


def issuer_templates(issuer, filters):
    """The issuer's badges matching `filters`: active first, the most earned first among them (what a
    visitor most likely looks for)."""
    templates = _filtered(issuer.badge_templates.select_related("certification", "exam"), filters)
    retired_last = Case(When(RETIRED, then=1), default=0, output_field=IntegerField())
    return with_earner_count(templates).order_by(retired_last, "-earner_count", "name", "pk")


def templates_with_earner_count():
    return with_earner_count(BadgeTemplate.objects.select_related("issuer", "certification", "exam"))


def template_exams(template):
    """The exams a badge stands for: its certification's, active first, or its own exam."""
    if template.certification:
        return template.certification.exams.order_by("status", "code")
    return [template.exam] if template.exam else []


def template_public_earners(template):
    """The newest public, unrevoked earners of a badge, for its catalog page."""
    return (
        Award.objects.publicly_visible()
        .not_revoked()
        .filter(template=template)
        .only("public_id", "recipient_name", "issued_on")
        .order_by("-issued_on", "recipient_name")[:PUBLIC_EARNERS_SHOWN]
    )


def active_exams():
    return Exam.objects.filter(status=Status.ACTIVE).select_related("badge_template").order_by("code")


def eligible_certifications(group):
    """Active certifications with their active exams, grouped by `group` ("level" or "product")."""
    return (
        Certification.objects.filter(status=Status.ACTIVE)
        .select_related("badge_template")
        .prefetch_related(Prefetch("exams", queryset=active_exams(), to_attr="active_exams"))
        .order_by(group, "name")
    )


def standalone_active_exams():
    """Active exams that count towards no certification: they are badges of their own."""
    return active_exams().filter(certifications__isnull=True)


def retired_certifications(q=""):
    certifications = Certification.objects.filter(status=Status.RETIRED).select_related("badge_template")
    if q:
        certifications = certifications.filter(
            Q(name__icontains=q) | Exists(Exam.objects.filter(certifications=OuterRef("pk"), code__icontains=q))
        )
    return certifications.prefetch_related("exams").order_by(*NEWEST_RETIREMENT_FIRST, "name")


def retired_exams(q=""):
    exams = Exam.objects.filter(status=Status.RETIRED).select_related("badge_template")
    if q:
        exams = exams.filter(Q(code__icontains=q) | Q(title__icontains=q))
    return exams.order_by(*NEWEST_RETIREMENT_FIRST, "code")
