"""Load the certification catalog from the CSV files in `data/`.

Idempotent: a second run changes nothing. A field staff edited keeps the staff value
unless the source changes it (each row remembers what the import last wrote). Rows that
disappear from the source are marked retired, never deleted, so their badges stay valid.
"""

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from ..models import BadgeTemplate, Certification, Exam, Issuer, Status

DEMO_ISSUER = {
    "slug": "microsoft-certifications",
    "name": "Microsoft Certifications (demo issuer)",
    "url": "https://learn.microsoft.com/credentials/",
    "email": "badges@badgeportal.example",
    "description": (
        "A demo issuer modelled on Microsoft's public certification catalog: real certification "
        "and exam names and retirement dates, awarded here by badgeportal for demonstration."
    ),
}


@dataclass
class ImportSummary:
    counts: Counter = field(default_factory=Counter)

    def count(self, kind, outcome):
        self.counts[(kind, outcome)] += 1

    def lines(self):
        for kind in ("certification", "exam", "badge template"):
            parts = [
                f"{self.counts[(kind, outcome)]} {outcome}" for outcome in ("added", "updated", "retired", "unchanged")
            ]
            yield f"{kind}s: " + ", ".join(parts)


# Product families for browsing, first match wins. Certifications match on their name; an exam takes the
# product of its certification, or else matches on its code prefix. Staff can correct any row in admin.
PRODUCT_NAME_RULES = [
    ("Office", r"Office Specialist|^MOS\b"),
    ("Dynamics 365", r"Dynamics"),
    ("Power Platform", r"Power Platform|Power BI|Power Apps|Power Automate|App Builder|Business Applications"),
    ("Security", r"Security|Identity|Information Protection|Cybersecurity"),
    ("Fabric and Data", r"Fabric|Data|SQL|\bBI\b|Cosmos DB"),
    ("Azure", r"Azure|Cloud|DevOps"),
    ("Developer", r"Programming|Development|HTML5|Web Applications|Universal Windows"),
    (
        "Microsoft 365",
        r"Microsoft 365|Teams|Teamwork|Exchange|Messaging|Endpoint|Desktop|SharePoint|Windows|Productivity",
    ),
    ("Education", r"Educator|Literacy"),
]
PRODUCT_CODE_PREFIXES = {
    "AZ": "Azure",
    "AI": "Azure",
    "DP": "Fabric and Data",
    "DA": "Fabric and Data",
    "PL": "Power Platform",
    "MB": "Dynamics 365",
    "MB2": "Dynamics 365",
    "MB6": "Dynamics 365",
    "SC": "Security",
    "MS": "Microsoft 365",
    "MD": "Microsoft 365",
    "MO": "Office",
    "77": "Office",
    "62": "Education",
}
OTHER_PRODUCT = "Other"


def product_for_name(name):
    for product, pattern in PRODUCT_NAME_RULES:
        if re.search(pattern, name):
            return product
    return OTHER_PRODUCT


def product_for_exam(code, title, certification_products):
    if certification_products:
        return Counter(certification_products).most_common(1)[0][0]
    prefix = code.split("-")[0].upper()
    if prefix in PRODUCT_CODE_PREFIXES:
        return PRODUCT_CODE_PREFIXES[prefix]
    return product_for_name(title)


def _read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _date(text):
    return date.fromisoformat(text) if text else None


def _codes(text):
    return [code.strip() for code in (text or "").split("|") if code.strip()]


def _snapshot_value(value):
    return value.isoformat() if isinstance(value, date) else value


def _apply_source(obj, source):
    """Copy source values onto `obj` where the source changed since the last import. Returns True if changed."""
    is_new = obj.pk is None
    changed = False
    for name, value in source.items():
        previous = obj.source_snapshot.get(name, object())
        if (is_new or _snapshot_value(value) != previous) and getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    snapshot = {name: _snapshot_value(value) for name, value in source.items()}
    if snapshot != obj.source_snapshot:
        obj.source_snapshot = snapshot
        changed = True
    if getattr(obj, "status", None) == Status.ACTIVE and obj.retired_on is not None:
        # A staff retirement date cannot outlive a status the source set back to active.
        obj.retired_on = None
        changed = True
    return changed


def _save(obj, source, kind, summary):
    was_new, was_retired = obj.pk is None, getattr(obj, "status", None) == Status.RETIRED
    if not _apply_source(obj, source):
        summary.count(kind, "unchanged")
        return obj
    obj.save()
    if was_new:
        summary.count(kind, "added")
    elif not was_retired and getattr(obj, "status", None) == Status.RETIRED:
        summary.count(kind, "retired")
    else:
        summary.count(kind, "updated")
    return obj


def _certification_source(row):
    retired = row["status"] != "active"
    return {
        "name": row["name"],
        "level": row["level"],
        "program": row["program"],
        "product": product_for_name(row["name"]),
        "url": row["url"],
        "status": Status.RETIRED if retired else Status.ACTIVE,
        "retired_on": _date(row["retired_on"]) if retired else None,
        "superseded_by": row["superseded_by"],
    }


def _exam_source(row, certifications):
    retired = row["status"] != "active"
    return {
        "code": row["exam_code"],
        "title": row["exam_title"],
        "product": product_for_exam(row["exam_code"], row["exam_title"], [c.product for c in certifications]),
        "status": Status.RETIRED if retired else Status.ACTIVE,
        "retired_on": _date(row["retired_on"]) if retired else None,
    }


def _skills_by_certification(rows):
    """Technologies O*NET ties to each certification's occupations, e.g. 'Microsoft PowerShell'."""
    skills = {}
    for row in rows:
        names = [re.sub(r"\s*\([A-Z]+\)$", "", part.strip()) for part in row["onet_evidence"].split(";")]
        bucket = skills.setdefault(row["certification"], [])
        bucket.extend(name for name in names if name and name not in bucket)
    return skills


def _by_source_key(objects, key):
    """Index rows by the key the source last gave them, so a row staff renamed is still found."""
    return {obj.source_snapshot.get(key, getattr(obj, key)): obj for obj in objects}


def _unique_slug(model, text):
    base = slugify(text)[:240] or "badge"
    slug, number = base, 1
    while model.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _retire_missing(model, seen_pks, kind, summary):
    """Rows the import created earlier and the source no longer lists retire; staff-made rows are left alone.

    The date stays empty: the source does not say when, and pages show it as unknown.
    """
    gone = model.objects.exclude(pk__in=seen_pks).exclude(source_snapshot={}).filter(status=Status.ACTIVE)
    for obj in gone:
        obj.status = Status.RETIRED
        obj.source_snapshot = {**obj.source_snapshot, "status": Status.RETIRED}
        obj.save(update_fields=["status", "source_snapshot"])
        summary.count(kind, "retired")


def _join_codes(codes):
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " and " + codes[-1]


def _certification_template_source(cert, exam_codes, skills):
    level = f"{cert.level.lower()}-level " if cert.level else ""
    article = "an" if (level or "c")[0] in "aeiou" else "a"
    description = f"The holder of this badge earned {cert.name}, {article} {level}certification"
    description += f" ({cert.program} program)." if cert.program else "."
    criteria = f"Pass exam {_join_codes(exam_codes)}." if exam_codes else "Meet the certification's requirements."
    if len(exam_codes) > 1:
        criteria = f"Pass the exams {_join_codes(exam_codes)}."
    return {"name": cert.name, "description": description, "criteria": criteria, "skills": skills[:12]}


def _exam_template_source(exam, skills):
    return {
        "name": f"{exam.code}: {exam.title}",
        "description": f"The holder of this badge passed exam {exam.code}, {exam.title}.",
        "criteria": f"Pass exam {exam.code}: {exam.title}.",
        "skills": skills[:12],
    }


def _sync_template(template, issuer, source, summary, *, slug_text, **recognized):
    if template is None:
        template = BadgeTemplate(issuer=issuer, slug=_unique_slug(BadgeTemplate, slug_text), **recognized)
    return _save(template, source, "badge template", summary)


@transaction.atomic
def import_catalog(data_dir=None):
    data_dir = Path(data_dir or settings.DATA_DIR)
    summary = ImportSummary()
    issuer, _ = Issuer.objects.get_or_create(slug=DEMO_ISSUER["slug"], defaults=DEMO_ISSUER)
    cert_rows = _read(data_dir / "microsoft_certifications.csv")
    exam_rows = _read(data_dir / "microsoft_exams.csv")
    history_rows = _read(data_dir / "microsoft_exams_history_only.csv")
    skills = _skills_by_certification(_read(data_dir / "cert_to_soc.csv"))

    certifications = _by_source_key(Certification.objects.all(), "name")
    # The exams the source says earn each certification; older exams that once did are linked too.
    earning_codes = {row["name"]: _codes(row["exam_codes"]) for row in cert_rows}
    for row in cert_rows:
        cert = certifications.get(row["name"]) or Certification(slug=_unique_slug(Certification, row["name"]))
        certifications[row["name"]] = _save(cert, _certification_source(row), "certification", summary)
    seen = {certifications[row["name"]].pk for row in cert_rows}
    _retire_missing(Certification, seen, "certification", summary)

    exams = _by_source_key(Exam.objects.prefetch_related("certifications"), "code")
    exam_certs = {}
    for row in exam_rows + [{**row, "status": "retired"} for row in history_rows]:
        code = row["exam_code"]
        if code in exam_certs:
            continue  # The current list wins over the history of dropped exams.
        exam_certs[code] = [certifications[n] for n in _codes(row["certification"]) if n in certifications]
        exam = exams.get(code) or Exam(code=code)
        exams[code] = _save(exam, _exam_source(row, exam_certs[code]), "exam", summary)
    _retire_missing(Exam, {exams[code].pk for code in exam_certs}, "exam", summary)

    for code, certs in exam_certs.items():
        if {c.pk for c in certs} != {c.pk for c in exams[code].certifications.all()}:
            exams[code].certifications.set(certs)

    templates = BadgeTemplate.objects.all()
    by_certification = {t.certification_id: t for t in templates if t.certification_id}
    by_exam = {t.exam_id: t for t in templates if t.exam_id}
    for name, cert in certifications.items():
        codes = earning_codes.get(name) or [code for code, certs in exam_certs.items() if cert in certs]
        source = _certification_template_source(cert, codes, skills.get(name, []))
        template = by_certification.get(cert.pk)
        _sync_template(template, issuer, source, summary, slug_text=cert.name, certification=cert)
    for code, exam in exams.items():
        names = [cert.source_snapshot.get("name", cert.name) for cert in exam_certs.get(code, [])]
        exam_skills = [skill for name in names for skill in skills.get(name, [])]
        source = _exam_template_source(exam, list(dict.fromkeys(exam_skills)))
        _sync_template(by_exam.get(exam.pk), issuer, source, summary, slug_text=exam.code, exam=exam)
    return summary
