"""Adzuna job search API: https://developer.adzuna.com/docs/search. Listings must credit "Jobs by Adzuna"."""

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


class AdzunaProvider(Provider):
    name = "adzuna"

    @classmethod
    def is_configured(cls):
        return bool(settings.ADZUNA_APP_ID and settings.ADZUNA_APP_KEY)

    def fetch(self, certification, occupations):
        result = ProviderResult()
        per_page = settings.JOBS_RESULTS_PER_PAGE
        base = f"{settings.ADZUNA_BASE_URL.rstrip('/')}/{settings.ADZUNA_COUNTRY}/search"
        for page in range(1, settings.JOBS_MAX_PAGES + 1):
            params = {
                "app_id": settings.ADZUNA_APP_ID,
                "app_key": settings.ADZUNA_APP_KEY,
                "what": search_keyword(certification),
                "results_per_page": per_page,
            }
            payload = get_json(f"{base}/{page}", params=params)
            if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
                raise ProviderError("Adzuna answer has no results list")
            items = payload["results"]
            self.collect(result, items, parse_item)
            total = payload.get("count")
            if len(items) < per_page or (isinstance(total, int) and page * per_page >= total):
                break
        return result


def parse_item(item):
    external_id = str(item["id"]).strip()
    title = (item.get("title") or "").strip()
    if not external_id or not title:
        raise BadRecord("record without id or title")
    location = item.get("location") or {}
    locations = location.get("display_name") or ", ".join(reversed(location.get("area") or []))
    description = item.get("description") or ""
    salary_min, salary_max = parse_decimal(item.get("salary_min")), parse_decimal(item.get("salary_max"))
    has_salary = salary_min is not None or salary_max is not None
    return PostingData(
        external_id=external_id,
        title=title,
        employer=(item.get("company") or {}).get("display_name", ""),
        locations=locations,
        remote="remote" in f"{title} {locations}".lower(),
        salary_min=salary_min,
        salary_max=salary_max,
        # Adzuna quotes yearly figures, and estimates them when the advert has none.
        salary_period="year" if has_salary else "",
        salary_is_predicted=has_salary and str(item.get("salary_is_predicted", "0")) == "1",
        posted_on=parse_date(item.get("created")),
        apply_url=item.get("redirect_url") or "",
        description=description,
    )
