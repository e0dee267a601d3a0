"""USAJOBS Search API: https://developer.usajobs.gov/api-reference/get-api-search"""

from django.conf import settings

from .base import (
    BadRecord,
    PostingData,
    Provider,
    ProviderError,
    ProviderResult,
    get_json,
    parse_date,
    parse_decimal,
    search_keyword,
)

RATE_INTERVALS = {"PA": "year", "PM": "month", "BW": "week", "PW": "week", "PD": "day", "PH": "hour"}


class USAJobsProvider(Provider):
    name = "usajobs"

    @classmethod
    def is_configured(cls):
        return bool(settings.USAJOBS_API_KEY and settings.USAJOBS_EMAIL)

    def fetch(self, certification, occupations):
        headers = {"Authorization-Key": settings.USAJOBS_API_KEY, "User-Agent": settings.USAJOBS_EMAIL}
        result = ProviderResult()
        per_page = settings.JOBS_RESULTS_PER_PAGE
        for page in range(1, settings.JOBS_MAX_PAGES + 1):
            params = {"Keyword": search_keyword(certification), "Page": page, "ResultsPerPage": per_page}
            payload = get_json(settings.USAJOBS_BASE_URL, params=params, headers=headers)
            search = payload.get("SearchResult") if isinstance(payload, dict) else None
            if not isinstance(search, dict):
                raise ProviderError("USAJOBS answer has no SearchResult")
            items = search.get("SearchResultItems") or []
            self.collect(result, items, parse_item)
            pages = _number_of_pages(search)
            if len(items) < per_page or (pages is not None and page >= pages):
                break
        return result


def _number_of_pages(search):
    try:
        return int(search["UserArea"]["NumberOfPages"])
    except (KeyError, TypeError, ValueError):
        return None


def parse_item(item):
    descriptor = item["MatchedObjectDescriptor"]
    external_id = str(item.get("MatchedObjectId") or descriptor.get("PositionID") or "").strip()
    title = (descriptor.get("PositionTitle") or "").strip()
    if not external_id or not title:
        raise BadRecord("record without id or title")
    pay = (descriptor.get("PositionRemuneration") or [{}])[0]
    period = RATE_INTERVALS.get(str(pay.get("RateIntervalCode", "")).strip().upper(), "")
    salary_min, salary_max = parse_decimal(pay.get("MinimumRange")), parse_decimal(pay.get("MaximumRange"))
    if not period:
        salary_min = salary_max = None
    locations = descriptor.get("PositionLocationDisplay") or "; ".join(
        loc.get("LocationName", "") for loc in descriptor.get("PositionLocation") or []
    )
    details = (descriptor.get("UserArea") or {}).get("Details") or {}
    apply_urls = descriptor.get("ApplyURI") or []
    organization = descriptor.get("OrganizationName") or ""
    department = descriptor.get("DepartmentName") or ""
    employer = f"{organization} ({department})" if department and department != organization else organization
    return PostingData(
        external_id=external_id,
        title=title,
        employer=employer,
        locations=locations,
        remote=bool(details.get("RemoteIndicator")) or "remote" in locations.lower(),
        salary_min=salary_min,
        salary_max=salary_max,
        salary_period=period if salary_min is not None or salary_max is not None else "",
        posted_on=parse_date(descriptor.get("PublicationStartDate")),
        closes_on=parse_date(descriptor.get("ApplicationCloseDate")),
        apply_url=descriptor.get("PositionURI") or (apply_urls[0] if apply_urls else ""),
        description=details.get("JobSummary") or descriptor.get("QualificationSummary") or "",
    )
