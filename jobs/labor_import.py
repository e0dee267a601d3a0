"""Load BLS wages, BLS projections and the certification-to-occupation map from `data/`.

Running it twice changes nothing the second time. Certification-to-occupation links are only
created, never rewritten: staff tune ranks and rationales in admin and a re-import keeps them.
"""

import csv
from collections import Counter
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from badges.models import Certification

from .models import CertificationOccupation, Occupation, OccupationProjection, OccupationWage

WAGE_FILES = ["bls_oews_national_2023.csv", "bls_oews_national_2023_supplement.csv"]
WAGE_YEAR = 2023
WAGE_SOURCE = "BLS OEWS May 2023, national"
PROJECTIONS_FILE = "bls_employment_projections_2024_2034.csv"
PROJECTION_SOURCE = "BLS Employment Projections 2024-34"
MAP_FILE = "cert_to_soc.csv"


def _rows(data_dir, name):
    with open(Path(data_dir) / name, newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def _int(value):
    value = (value or "").strip()
    return int(Decimal(value)) if value else None


def _dec(value):
    value = (value or "").strip()
    return Decimal(value) if value else Decimal(0)


def _sync(model, counts, lookup, values):
    """Create or update one row, writing only when something differs; returns the row."""
    label = model._meta.verbose_name_plural
    row = model.objects.filter(**lookup).first()
    if row is None:
        counts[label, "created"] += 1
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(row, field) != value]
    if changed:
        for field in changed:
            setattr(row, field, values[field])
        row.save(update_fields=changed)
        counts[label, "updated"] += 1
    else:
        counts[label, "unchanged"] += 1
    return row


@transaction.atomic
def labor_data_import(*, data_dir=None):
    """Returns a Counter keyed by (what, outcome)."""
    data_dir = data_dir or settings.JOBS_DATA_DIR
    counts = Counter()
    occupations = {}

    def occupation(code, title):
        if code not in occupations:
            occupations[code] = _sync(Occupation, counts, {"soc_code": code}, {"title": title.strip()})
        return occupations[code]

    for name in WAGE_FILES:
        for row in _rows(data_dir, name):
            _sync(
                OccupationWage,
                counts,
                {"occupation": occupation(row["occ_code"], row["occ_title"]), "year": WAGE_YEAR, "source": WAGE_SOURCE},
                {
                    "employment": _int(row["tot_emp"]),
                    "mean": _int(row["a_mean"]),
                    "pct10": _int(row["a_pct10"]),
                    "pct25": _int(row["a_pct25"]),
                    "median": _int(row["a_median"]),
                    "pct75": _int(row["a_pct75"]),
                    "pct90": _int(row["a_pct90"]),
                    "markers": row["markers"].strip(),
                },
            )

    for row in _rows(data_dir, PROJECTIONS_FILE):
        known = occupations.get(row["occ_code"])
        _sync(
            OccupationProjection,
            counts,
            {
                # OEWS titles are the ones people know; a projections-only code keeps its own title.
                "occupation": known or occupation(row["occ_code"], row["occ_title"]),
                "base_year": 2024,
                "source": PROJECTION_SOURCE,
            },
            {
                "target_year": 2034,
                "employment_base": _dec(row["emp_2024_thousands"]),
                "employment_target": _dec(row["emp_2034_thousands"]),
                "change_pct": _dec(row["change_pct"]),
                "annual_openings": _dec(row["annual_openings_thousands"]),
                "typical_education": row["typical_education"].strip(),
            },
        )

    certifications = {c.name: c for c in Certification.objects.all()}
    for row in _rows(data_dir, MAP_FILE):
        certification = certifications.get(row["certification"].strip())
        if certification is None:
            counts["certification links", "skipped (unknown certification)"] += 1
            continue
        _, created = CertificationOccupation.objects.get_or_create(
            certification=certification,
            occupation=occupation(row["soc_code"], row["soc_title"]),
            defaults={"rank": _int(row["rank"]) or 1, "rationale": row["rationale"].strip()},
        )
        counts["certification links", "created" if created else "unchanged"] += 1
    return counts
