"""What to earn next: the certifications in the catalog that build on a badge the earner holds.

The rule, from what the catalog data can honestly tell:

- **Family** is the certification's `product` ("Azure", "Security", "Microsoft 365", "Office", ...): the importer
  derives it from the certification's name (`importer.PRODUCT_NAME_RULES`) and staff can correct it in admin.
  The source lists no prerequisites, so a shared family is the only link between two certifications we have.
- **Level** is the source's `level` column, read on the program's published ladder: Fundamentals, then
  Associate, then Expert. Specialty certifications assume associate-level experience, so they stand on the
  same rung as Expert. Office Specialist (MOS) rows have an empty level column but say "Associate" or
  "Expert" in their names; those words stand in for it. A certification with neither (the Office 2016 MOS
  ones, the educator certification) has no rung, so nothing is suggested after it, rather than a guess.
- **Next** is the rung just above the badge's, within its family. Expert and Specialty are the top.
- **Still earnable**: the certification is active and at least one exam that earns it is active (retired
  exams stay linked to the certifications they once earned).
- An **exam badge** builds towards the active certifications that exam counts for.
- Certifications the earner already holds are left out.

The closest come first: the most skills and name words shared with the badge (an Excel Associate leads to
Excel Expert before Word Expert), then by name.
"""

import re

from django.db.models import Exists, OuterRef, Prefetch, Q

from ..models import Award, BadgeTemplate, Certification, Exam, Status

RUNGS = {"Fundamentals": 1, "Associate": 2, "Expert": 3, "Specialty": 3}
SHOWN = 6
_LEVEL_WORD = re.compile(r"\b(Fundamentals|Associate|Expert|Specialty)\b")
# Words every certification of a program shares: they say nothing about closeness.
_COMMON_WORDS = {"microsoft", "certified", "office", "specialist", "365"}


def rung(certification):
    """Where a certification stands on the ladder (1 to 3), or None when the data does not say."""
    if certification.level:
        return RUNGS.get(certification.level)
    words = _LEVEL_WORD.findall(certification.name)
    return RUNGS[words[-1]] if words else None


def _next_levels(current):
    return [level for level, number in RUNGS.items() if number == current + 1]


def _at_levels(levels):
    """Certifications at `levels`: by the level column, or by their name when the column is empty."""
    by_name = Q()
    for level in levels:
        by_name |= Q(name__contains=f" {level}")
    return Q(level__in=levels) | (Q(level="") & by_name)


def _earnable():
    active_exams = Exam.objects.filter(certifications=OuterRef("pk"), status=Status.ACTIVE)
    return Q(status=Status.ACTIVE) & Exists(active_exams)


def _not_held_by(user):
    held = Award.objects.held().filter(earner=user, template__certification=OuterRef("pk"))
    return ~Exists(held)


def _and(words):
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _candidates(template):
    """(the certifications the rule allows, or None when it allows none; the rule applied, in a sentence)."""
    if template.exam:
        return Certification.objects.filter(exams=template.exam_id), (
            f"Certifications that exam {template.exam.code} counts towards, still earnable."
        )
    certification = template.certification
    if certification is None:
        return None, "This badge stands for no certification in the catalog, so nothing is known to build on it."
    current = rung(certification)
    if current is None or not certification.product:
        return None, "The catalog gives this certification no level, so it cannot say what comes after it."
    levels = _next_levels(current)
    if not levels:
        return None, f"{certification.level or 'Expert'} is the top of the ladder: nothing in the catalog builds on it."
    candidates = Certification.objects.filter(_at_levels(levels), product=certification.product)
    basis = f"{certification.product} certifications at the {_and(levels)} level, the step after this one."
    return candidates.exclude(pk=certification.pk), basis


def _words(name):
    return {word for word in re.findall(r"[a-z0-9#+.]+", name.lower()) if word not in _COMMON_WORDS} - {
        level.lower() for level in RUNGS
    }


def _closeness(candidate, skills, words):
    return len(skills & set(candidate.skill_names)) + len(words & _words(candidate.name))


def next_steps(template, user):
    """What `user` may earn after `template`: {"steps": up to SHOWN dicts with the certification, its badge
    template (for the catalog link; may be None), the active exams that earn it and the skills it adds beyond
    the badge's; "basis": the rule that chose them, in a sentence}. Two queries at most, however many match."""
    candidates, basis = _candidates(template)
    return {"steps": _steps(template, user, candidates) if candidates is not None else [], "basis": basis}


def _steps(template, user, candidates):
    candidates = (
        candidates.filter(_earnable(), _not_held_by(user))
        .select_related("badge_template")
        .prefetch_related(
            Prefetch("exams", queryset=Exam.objects.filter(status=Status.ACTIVE).order_by("code"), to_attr="active")
        )
        .order_by("name")
    )
    have = set(_skills_of(template))
    words = _words(template.name)
    steps = list(candidates)
    for certification in steps:
        certification.skill_names = _skills_of_certification(certification)
    steps.sort(key=lambda c: -_closeness(c, have, words))  # stable: equally close ones stay by name
    return [
        {
            "certification": certification,
            "template": _template_of(certification),
            "exams": certification.active,
            "added_skills": [skill for skill in certification.skill_names if skill not in have],
        }
        for certification in steps[:SHOWN]
    ]


def _template_of(certification):
    try:
        return certification.badge_template
    except BadgeTemplate.DoesNotExist:
        return None


def _skills_of(template):
    return template.skills or (template.certification.skills if template.certification else [])


def _skills_of_certification(certification):
    template = _template_of(certification)
    return (template.skills if template else []) or certification.skills
