"""Public documents rendered once per change and stored, so that reading one is one indexed lookup.

Each award has one `PublicDocument` row (created by a trigger with the award) holding what the public reads
of it: the OB 2.0 assertion, the OB 3.0 credential signed as a VC-JWT (RS256 is deterministic: a signature
made once stands until something it covers changes), the public page as an anonymous visitor gets it, and
what the baked images need.

Staleness is the database's business, not the code's: triggers (migration 0013) on the award, its earner,
template, issuer, certification, exams and the issuer's signing keys bump the row's `generation` and clear
`built_release` in the same transaction as the change, whatever made it (a service, the admin, a queryset
update, a field added next year). So a reader never sees a document older than a committed change: it
finds it cleared, rebuilds it from the rows, and stores the result only if `generation` has not moved
since it read it (`UPDATE ... WHERE generation = %s`: a change that raced the build wins, and the next read
builds again). Two things a row change does not capture are in `built_release`: the code and settings
that render the documents (a deploy rebuilds them as they are read, or all at once with
`manage.py build_public_documents`), and today's date, which the page's "valid"/"expired" depends on
(`page_until`).
"""

import functools
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.http import HttpRequest
from django.middleware.csp import LazyNonce
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from ..models import Award, Issuer, PublicDocument
from ..openbadges import ob2, ob3
from ..openbadges.keys import issuer_key_active
from .selectors import PAGE_RELATED

# Bump when what a document holds changes in a way the template files and settings below do not show.
FORMAT = "1"
TABLE = PublicDocument._meta.db_table

# What each reader needs from the row, besides `award_id`, `built_release`, `visible` and `revoked`.
OB2, OB3, PAGE, BAKED = "ob2", "ob3", "page", "baked"
COLUMNS = {
    OB2: ("ob2_status", "ob2_body"),
    OB3: ("ob3_status", "ob3_body"),
    PAGE: ("page", "page_until"),
    BAKED: ("ob2_body", "ob3_body", "image_name", "slug"),
}
ALL_COLUMNS = ("ob2_status", "ob2_body", "ob3_status", "ob3_body", "page", "page_until", "image_name", "slug")
_SQL = {
    kind: f"SELECT award_id, built_release, visible, revoked, {', '.join(columns)} FROM {TABLE} WHERE public_id = %s"  # noqa: S608 (constants only)
    for kind, columns in COLUMNS.items()
}


@dataclass(frozen=True)
class Stored:
    visible: bool
    revoked: bool
    ob2_status: int = 0
    ob2_body: str = ""
    ob3_status: int = 0
    ob3_body: str = ""
    page: str = ""
    page_until: object = None
    image_name: str = ""
    slug: str = ""


@functools.cache
def _template_sources_digest():
    """Every template file's path and content, once per process: a deploy that changes one renders anew."""
    digest = hashlib.sha256()
    for engine in engines.all():
        for directory in getattr(engine, "template_dirs", ()):
            for path in sorted(Path(directory).rglob("*")):
                if path.is_file():
                    digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _static_manifest():
    """The hashed static file names the page links to, when a manifest storage wrote them."""
    if not settings.STATIC_ROOT:
        return b""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    return manifest.read_bytes() if manifest.is_file() else b""


@functools.cache
def _release(site_url, site_name, static_url, media_url, storages):
    parts = [FORMAT, site_url, site_name, static_url, media_url, storages, _template_sources_digest()]
    digest = hashlib.sha256("\0".join(parts).encode() + _static_manifest())
    return digest.hexdigest()[:32]


def release():
    """What the documents were rendered with: the code's format, the settings in their URLs, the templates."""
    return _release(
        settings.SITE_URL, settings.SITE_NAME, settings.STATIC_URL, settings.MEDIA_URL, repr(settings.STORAGES)
    )


def _db_public_id(public_id):
    return PublicDocument._meta.get_field("public_id").get_db_prep_value(public_id, connection)


def read(public_id, kind):
    """The stored document for `kind` at `public_id`, built now if a change cleared it; None when no award
    has that id. One query when it is current; a build otherwise."""
    with connection.cursor() as cursor:
        cursor.execute(_SQL[kind], [_db_public_id(public_id)])
        row = cursor.fetchone()
    if row is None:
        return None
    award_id, built_release, visible, revoked, *values = row
    stored = Stored(bool(visible), bool(revoked), **dict(zip(COLUMNS[kind], values, strict=True)))
    if built_release != release() or (kind == PAGE and _page_outdated(stored)):
        return build(award_id)
    return stored


def _page_outdated(stored):
    return stored.page_until is not None and _as_date(stored.page_until) <= timezone.localdate()


def _as_date(value):
    # SQLite hands dates back as text through a raw cursor.
    return value if hasattr(value, "toordinal") else date.fromisoformat(value)


def build(award_id):
    """Render the award's documents from its rows and store them unless a change moved `generation` since
    it was read. Returns what it rendered either way: it is as fresh as the rows it read."""
    # A second try covers the one change a build makes itself: an issuer's first signature creates its key.
    for _attempt in range(2):
        generation = PublicDocument.objects.filter(pk=award_id).values_list("generation", flat=True).first()
        if generation is None:
            return None
        fields = render(Award.objects.select_related(*PAGE_RELATED).get(pk=award_id))
        if _store(award_id, generation, fields):
            break
    return Stored(**fields)


def _store(award_id, generation, fields):
    """Write the document if `generation` still holds. A stored document can always be built again, so its
    own commit need not wait for the disk (never a caller's transaction: then it rides on the caller's)."""
    rows = PublicDocument.objects.filter(pk=award_id, generation=generation)
    if connection.in_atomic_block or connection.vendor != "postgresql":
        return rows.update(built_release=release(), **fields)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return rows.update(built_release=release(), **fields)


def render(award):
    """Every column of the award's document. Nothing comes from the cache, which a change may not have
    reached yet: the badge class is built here from the rows just read."""
    template = award.template
    fields = dict.fromkeys(ALL_COLUMNS, "") | {"ob2_status": 0, "ob3_status": 0, "page_until": None}
    fields |= {"visible": award.is_publicly_visible, "revoked": award.is_revoked}
    if not fields["visible"]:
        return fields
    fields |= {"image_name": template.image.name if template.image else "", "slug": template.slug}
    if award.is_revoked:
        revoked = ob2.dumps(ob2.revoked_json(award))
        fields |= {"ob2_status": 410, "ob2_body": revoked, "ob3_status": 410, "ob3_body": revoked}
    else:
        credential = ob3.credential_json(award, badgeclass=ob2.badgeclass_json(template))
        fields |= {"ob2_status": 200, "ob2_body": ob2.dumps(ob2.assertion_json(award))}
        fields |= {"ob3_status": 200, "ob3_body": ob3.credential_jwt(award, credential)}
    fields["page"] = _anonymous_page(award)
    if award.expires_on and not award.is_revoked and not award.is_expired:
        # The page says "valid" through the expiry date and "expired" from the day after.
        fields["page_until"] = award.expires_on + timedelta(days=1)
    return fields


def _anonymous_request(public_id):
    """A request like a visitor's with no cookies, for rendering the page outside of one."""
    site = urlsplit(settings.SITE_URL)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = reverse("award_public", args=[public_id])
    port = site.port or (443 if site.scheme == "https" else 80)
    request.META = {"SERVER_NAME": site.hostname, "SERVER_PORT": str(port), "HTTP_HOST": site.netloc}
    request.user = AnonymousUser()
    request._csp_nonce = LazyNonce()
    return request


def _anonymous_page(award):
    """The page an anonymous visitor gets, or "" when it came out holding something made for one response
    (a CSRF token, a CSP nonce): such a page is rendered per request instead."""
    from .page_cache import same_for_everyone  # noqa: PLC0415  (page_cache serves what this module stores)
    from .views import render_award_page  # noqa: PLC0415  (the views use this module)

    request = _anonymous_request(award.public_id)
    response = render_award_page(request, award)
    if response.status_code != 200 or not same_for_everyone(request):
        return ""
    return response.content.decode()


def build_all(*, shard=0, shards=1, everything=False, public_ids=None):
    """Build every document that is not current (all of them with `everything`), those whose award id is
    `shard` modulo `shards` only, so that several processes can share the work, and only those of
    `public_ids` when given. Returns the count."""
    for issuer in Issuer.objects.all():
        issuer_key_active(issuer=issuer)  # before any build: creating a key clears the issuer's documents
    rows = PublicDocument.objects.order_by("pk")
    if not everything:
        rows = rows.exclude(built_release=release())
    if public_ids is not None:
        rows = rows.filter(public_id__in=public_ids)
    award_ids = [pk for pk in rows.values_list("award_id", flat=True) if pk % shards == shard]
    for award_id in award_ids:
        build(award_id)
    return len(award_ids)
