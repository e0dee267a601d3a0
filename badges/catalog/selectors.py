"""Reads behind the public catalog: an issuer's badges, one badge template, eligible and retired ones."""

import re
import unicodedata

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.db.models.functions import ExtractYear, Lower, Replace

from ..models import Award, BadgeTemplate, Certification, Exam, Status
from .forms import EXAM_LEVEL, LEVEL_ORDER

PUBLIC_EARNERS_SHOWN = 100
TEMPLATE_REFERENCE_HELP = "Use a template slug, an exam code or a certification name."
RETIRED = Q(certification__status=Status.RETIRED) | Q(exam__status=Status.RETIRED)
NEWEST_RETIREMENT_FIRST = [F("retired_on").desc(nulls_last=True)]


def with_earner_count(templates):
    """Annotate `earner_count`: how many people hold each badge."""
    return templates.annotate(
        earner_count=Count("awards__earner", filter=Award.objects.held_q("awards__"), distinct=True)
    )


# Searching: "az104", "az 104", "AZ-104" and "Àz-104" all find the exam AZ-104.


def _fold(text):
    """`text` without accents, its spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def code_key(text):
    """What codes are compared by: lower-case letters and digits only ("AZ-104" and "az 104" read "az104")."""
    return re.sub(r"[^0-9a-z]", "", _fold(text).lower())


# What separates the parts of an exam code as stored ("AZ-104", "MB-910", "70-533"); the database drops them,
# as `code_key` does on the query's side.
CODE_SEPARATORS = ("-", " ", ".", "_", "/")


def _stored_code_key(field):
    key = Lower(field)
    for separator in CODE_SEPARATORS:
        key = Replace(key, Value(separator), Value(""))
    return key


def _exams_with_code(key):
    return Exam.objects.alias(code_key=_stored_code_key("code")).filter(code_key__contains=key)


def _search(templates, q):
    """Badges whose name or skills hold the words, or whose exam (or a certification's exam) has the code."""
    text, key = _fold(q), code_key(q)
    matches = Q(name__icontains=text) | Q(skills__icontains=text)
    if key:
        templates = templates.alias(exam_code_key=_stored_code_key("exam__code"))
        exam_of_certification = _exams_with_code(key).filter(certifications=OuterRef("certification"))
        matches |= Q(exam_code_key__contains=key) | Exists(exam_of_certification)
    return templates.filter(matches)


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


def _active_and_most_earned_first(templates):
    """What a visitor most likely looks for first: active badges, the most earned among them."""
    retired_last = Case(When(RETIRED, then=1), default=0, output_field=IntegerField())
    return with_earner_count(templates).order_by(retired_last, "-earner_count", "name", "pk")


def issuer_templates(issuer, filters):
    """The issuer's badges matching `filters`."""
    return _active_and_most_earned_first(
        _filtered(issuer.badge_templates.select_related("certification", "exam"), filters)
    )


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


_ACTIVE_EXAM_CODES = Prefetch(
    "certification__exams", queryset=Exam.objects.filter(status=Status.ACTIVE).order_by("code"), to_attr="active_exams"
)
_LEVEL_RANK = Case(
    *(When(certification__level=level, then=Value(rank)) for rank, level in enumerate(LEVEL_ORDER)),
    default=Value(len(LEVEL_ORDER)),
    output_field=IntegerField(),
)


def eligible_templates(group):
    """The badges of active certifications, with their active exams' codes, in the order of `group`
    ("level": Fundamentals to Specialty; otherwise by product family)."""
    templates = with_earner_count(
        BadgeTemplate.objects.filter(certification__status=Status.ACTIVE).select_related("certification")
    ).prefetch_related(_ACTIVE_EXAM_CODES)
    if group == "level":
        return templates.order_by(_LEVEL_RANK, "certification__level", "name")
    return templates.order_by("certification__product", "name")


def standalone_exam_templates():
    """The badges of active exams that count towards no certification: they stand on their own."""
    standalone = Q(exam__status=Status.ACTIVE) & ~Exists(
        Exam.certifications.through.objects.filter(exam_id=OuterRef("exam_id"))
    )
    return with_earner_count(BadgeTemplate.objects.filter(standalone).select_related("exam")).order_by("name")


def catalog_search(q):
    """Every issuer's badges matching `q`, with their certification's active exam codes."""
    templates = _search(BadgeTemplate.objects.select_related("certification", "exam"), q)
    return _active_and_most_earned_first(templates).prefetch_related(_ACTIVE_EXAM_CODES)


# Retired certifications and exams, one year of retirements at a time.

UNDATED = "undated"


def retired_years():
    """The years certifications and exams retired in, newest first (UNDATED last), with how many of each."""
    counts = {}
    for kind, model in (("certifications", Certification), ("exams", Exam)):
        rows = (
            model.objects.filter(status=Status.RETIRED).values_list(ExtractYear("retired_on")).annotate(n=Count("pk"))
        )
        for year, n in rows.order_by():
            counts.setdefault(year or UNDATED, {"certifications": 0, "exams": 0})[kind] = n
    years = sorted((year for year in counts if year != UNDATED), reverse=True)
    return [{"year": year, **counts[year]} for year in [*years, *([UNDATED] if UNDATED in counts else [])]]


def _in_year(items, year):
    if year is None:
        return items
    return items.filter(retired_on__isnull=True) if year == UNDATED else items.filter(retired_on__year=year)


def retired_certifications(q="", year=None):
    certifications = Certification.objects.filter(status=Status.RETIRED).select_related("badge_template")
    if q:
        matches = Q(name__icontains=_fold(q))
        if key := code_key(q):
            matches |= Exists(_exams_with_code(key).filter(certifications=OuterRef("pk")))
        certifications = certifications.filter(matches)
    certifications = _in_year(certifications, year)
    return certifications.prefetch_related("exams").order_by(*NEWEST_RETIREMENT_FIRST, "name")


def retired_exams(q="", year=None):
    exams = Exam.objects.filter(status=Status.RETIRED).select_related("badge_template")
    if q:
        matches = Q(title__icontains=_fold(q))
        if key := code_key(q):
            exams = exams.alias(code_key=_stored_code_key("code"))
            matches |= Q(code_key__contains=key)
        exams = exams.filter(matches)
    return _in_year(exams, year).order_by(*NEWEST_RETIREMENT_FIRST, "code")


def badge_template_find(reference):
    """The badge template `reference` names by slug, exam code (AZ-900) or exact certification name, or None.

    `issue_badge --template` and the award import both name templates this way.
    """
    reference = (reference or "").strip()
    # PostgreSQL refuses NUL in a query; no template has one in its name.
    if not reference or "\x00" in reference:
        return None
    matches = BadgeTemplate.objects.filter(
        Q(slug=reference.lower()) | Q(exam__code__iexact=reference) | Q(certification__name__iexact=reference)
    )
    return matches.order_by("pk").first()
