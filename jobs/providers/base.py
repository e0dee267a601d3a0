"""What every job provider offers: `fetch(certification, occupations) -> ProviderResult`.

A provider returns every posting it could read, plus a list of the records it had to skip. When a
page cannot be fetched even after retries it raises `ProviderError`: a partial list must never
replace the stored one, so the refresh then keeps what it had.
"""

import json
import logging
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings

logger = logging.getLogger(__name__)


class ProviderError(Exception):
    """The source could not be read completely; nothing should change."""


@dataclass
class PostingData:
    external_id: str
    title: str
    origin: str = ""
    employer: str = ""
    locations: str = ""
    remote: bool = False
    salary_min: Decimal | None = None
    salary_max: Decimal | None = None
    salary_period: str = ""
    salary_is_predicted: bool = False
    posted_on: date | None = None
    closes_on: date | None = None
    apply_url: str = ""
    description: str = ""
    occupation_codes: list[str] = field(default_factory=list)


@dataclass
class ProviderResult:
    postings: list[PostingData] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Provider:
    name = ""

    @classmethod
    def is_configured(cls):
        return True

    def fetch(self, certification, occupations):
        raise NotImplementedError

    def collect(self, result, items, parse_item):
        """Parse each record into `result`; a bad one is logged and counted, the good ones are kept."""
        for item in items:
            try:
                result.postings.append(parse_item(item))
            except (BadRecord, KeyError, TypeError, AttributeError) as error:
                logger.warning("%s: skipped a record: %s", self.name, error)
                result.errors.append(f"{self.name} record skipped: {error}")


class BadRecord(ValueError):
    """One record in an otherwise good answer cannot be read."""


# Words in certification names that say nothing about the job.
_NOISE = re.compile(
    r"\b(microsoft|certified|certification|associate|expert|fundamentals|specialty|specialist|365:)\b|[:()]",
    re.IGNORECASE,
)


def search_keyword(certification):
    """The words a job search should use for a certification: its name without the program's boilerplate."""
    words = _NOISE.sub(" ", certification.name)
    return " ".join(words.split()) or certification.name


def parse_decimal(value):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BadRecord(f"not a number: {value!r}") from None
    if not number.is_finite() or number < 0:
        raise BadRecord(f"not a salary: {value!r}")
    return number


def parse_date(value):
    if not value:
        return None
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise BadRecord(f"not a date: {value!r}") from None


def _retry_after(error):
    value = error.headers.get("Retry-After") if error.headers else None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def get_json(url, *, params=None, headers=None, sleep=time.sleep):
    """GET a JSON document, retrying timeouts, 429 and 5xx with bounded exponential backoff."""
    if not url.lower().startswith(("https://", "http://")):
        raise ProviderError(f"refusing to fetch {url!r}")
    if params:
        url = f"{url}?{urllib.parse.urlencode(params)}"
    attempts = max(1, settings.JOBS_HTTP_ATTEMPTS)
    last_problem = ""
    for attempt in range(attempts):
        wait = min(settings.JOBS_HTTP_BACKOFF * 2**attempt, settings.JOBS_HTTP_MAX_WAIT)
        request = urllib.request.Request(url, headers={"Accept": "application/json", **(headers or {})})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=settings.JOBS_HTTP_TIMEOUT) as response:  # noqa: S310
                body = response.read()
            return json.loads(body)
        except urllib.error.HTTPError as error:
            last_problem = f"HTTP {error.code}"
            if error.code != 429 and error.code < 500:
                raise ProviderError(f"{last_problem} from {_safe(url)}") from None
            if error.code == 429 and _retry_after(error) is not None:
                wait = min(_retry_after(error), settings.JOBS_HTTP_MAX_WAIT)
        except (TimeoutError, urllib.error.URLError, ConnectionError) as error:
            last_problem = f"network error ({getattr(error, 'reason', error)})"
        except ValueError:
            raise ProviderError(f"invalid JSON from {_safe(url)}") from None
        logger.warning("jobs: %s from %s (attempt %s of %s)", last_problem, _safe(url), attempt + 1, attempts)
        if attempt + 1 < attempts:
            sleep(wait)
    raise ProviderError(f"{last_problem} from {_safe(url)} after {attempts} attempts")


def _safe(url):
    """The URL without its query string, which may carry API keys."""
    return url.split("?", 1)[0]
