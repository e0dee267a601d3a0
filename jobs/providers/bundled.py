"""The postings shipped in `data/jobs_sample.csv`: a demo snapshot that works without any API key."""

import csv
from pathlib import Path

from django.conf import settings

from ..matching import occupation_codes_for
from .base import BadRecord, PostingData, Provider, ProviderError, ProviderResult, parse_date, parse_decimal

FILE_NAME = "jobs_sample.csv"


class BundledProvider(Provider):
    name = "bundled"

    def __init__(self, path=None):
        self.path = Path(path or Path(settings.JOBS_DATA_DIR) / FILE_NAME)
        self._parsed = None  # one instance serves one run: the file is read once per run

    def fetch(self, certification, occupations):
        wanted = {occupation.soc_code for occupation in occupations}
        postings, errors = self._read()
        return ProviderResult(
            postings=[posting for posting in postings if wanted.intersection(posting.occupation_codes)],
            errors=list(errors),
        )

    def _read(self):
        if self._parsed is None:
            self._parsed = self._parse()
        return self._parsed

    def _parse(self):
        try:
            with open(self.path, newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as error:
            raise ProviderError(f"cannot read {self.path.name}: {error.strerror}") from None
        postings, errors = [], []
        for number, row in enumerate(rows, start=2):
            try:
                postings.append(parse_row(row))
            except (BadRecord, KeyError, AttributeError) as error:
                errors.append(f"{self.path.name} line {number} skipped: {error}")
        return postings, errors


def parse_row(row):
    origin, external_id, title = row["source"].strip(), row["external_id"].strip(), row["title"].strip()
    if not (origin and external_id and title):
        raise BadRecord("row without source, id or title")
    salary_min, salary_max = parse_decimal(row["salary_min"]), parse_decimal(row["salary_max"])
    return PostingData(
        external_id=f"{origin}-{external_id}",
        origin=origin,
        title=title,
        employer=row["employer"].strip(),
        locations=row["location"].strip(),
        remote=row["remote"].strip().lower() in {"1", "true", "yes"},
        salary_min=salary_min,
        salary_max=salary_max,
        salary_period=row["salary_period"].strip() if salary_min is not None or salary_max is not None else "",
        posted_on=parse_date(row["posted_on"]),
        apply_url=row["url"].strip(),
        description=row["description"].strip(),
        occupation_codes=occupation_codes_for(title, row["occupation_hint"]),
    )
