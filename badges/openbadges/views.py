"""Open Badges endpoints: 2.0 hosted JSON, baked images, 3.0 credentials and keys, and verification.

Machine-readable endpoints always answer JSON (or the token / image asked for), never an HTML
page, and only for what `Award.objects.publicly_visible()` allows.
"""

import functools
import json
import time

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_ratelimit.decorators import ratelimit

from ..models import BadgeTemplate
from ..public import stored
from ..public.selectors import public_award_or_404
from . import baking, documents, ob2, ob3, verification
from .forms import AwardVerifyForm, VerifyForm
from .selectors import CREDENTIAL_RELATED, public_award


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _serve(document):
    return _cors(HttpResponse(document.body, content_type=document.content_type, status=document.status))


def _json(data, status=200):
    return _serve(documents.json_document(data, status=status))


def _machine_readable(view):
    """GET and HEAD only; any other method gets a JSON 405, as machines expect JSON here."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = _json({"error": "method_not_allowed"}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request, *args, **kwargs)

    return wrapper


@_machine_readable
def ob_not_found(request, rest):
    """Any other address under /ob/ answers JSON too, never the HTML 404 page."""
    return _serve(documents.NOT_FOUND)


@_machine_readable
def ob2_issuer(request, slug):
    return _serve(documents.issuer(slug))


@_machine_readable
def ob2_badgeclass(request, slug):
    return _serve(documents.badgeclass(slug))


@_machine_readable
def ob2_assertion(request, public_id):
    return _serve(documents.assertion(public_id))


def _png(content, filename):
    response = HttpResponse(content, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return _cors(response)


def _asks_for_a_page(request):
    """A browser following a download link lists text/html first; a verifier or a script asks for the image,
    JSON or anything (`*/*`, or no Accept header), and gets the machine-readable answer."""
    return request.get_preferred_type(["image/png", documents.LD_JSON, "application/json", "text/html"]) == "text/html"


def _unbakeable(request, award):
    """The answer when there is no baked image to give, or None when there is. A revoked badge's answer is
    a readable page for a browser and the revocation JSON for everything else."""
    if award is None or not award.template.image:
        return _serve(documents.NOT_FOUND)
    if not award.is_revoked:
        return None
    if _asks_for_a_page(request):
        response = render(request, "badges/download_revoked.html", {"award": award}, status=410)
    else:
        response = _json(ob2.revoked_json(award), status=410)
    patch_vary_headers(response, ["Accept"])
    return response


# A template image's PNG cut for baking, per process. Kept a few minutes only: storage that overwrites a file
# in place (S3 with overwrite on) could change the bytes behind a name.
_SPLIT_SECONDS = 300
_splits = {}


def _split_image(image_name, keyword):
    key = (str(settings.MEDIA_ROOT), repr(settings.STORAGES), image_name, keyword)  # environ.Path: no hash
    found = _splits.get(key)
    if found is None or found[0] < time.monotonic():
        if len(_splits) > 1000:
            _splits.clear()
        with BadgeTemplate._meta.get_field("image").storage.open(image_name, "rb") as handle:
            split = baking.split_for_baking(baking.as_png(handle), keyword)
        found = _splits[key] = (time.monotonic() + _SPLIT_SECONDS, split)
    return found[1]


def _baked_from_store(public_id, keyword):
    """The baked PNG from the stored documents, or None for the cases the full path answers (404, 410)."""
    document = stored.read(public_id, stored.BAKED)
    if document is None or not document.visible or document.revoked or not document.image_name:
        return None
    if keyword == baking.OB2_KEYWORD:
        text, filename = document.ob2_body, f"{document.slug}.png"
    else:
        text, filename = document.ob3_body, f"{document.slug}-ob3.png"
    return _png(baking.bake_split(_split_image(document.image_name, keyword), text, keyword), filename)


@_machine_readable
def award_baked_png(request, public_id):
    if response := _baked_from_store(public_id, baking.OB2_KEYWORD):
        return response
    award = public_award(public_id)
    if problem := _unbakeable(request, award):
        return problem
    text = json.dumps(ob2.assertion_json(award), ensure_ascii=False)
    baked = baking.bake(baking.as_png(award.template.image), text, keyword=baking.OB2_KEYWORD)
    return _png(baked, f"{award.template.slug}.png")


@_machine_readable
def award_baked_ob3_png(request, public_id):
    if response := _baked_from_store(public_id, baking.OB3_KEYWORD):
        return response
    award = public_award(public_id, CREDENTIAL_RELATED)
    if problem := _unbakeable(request, award):
        return problem
    token = ob3.credential_jwt(award)
    baked = baking.bake(baking.as_png(award.template.image), token, keyword=baking.OB3_KEYWORD)
    return _png(baked, f"{award.template.slug}-ob3.png")


@_machine_readable
def award_credential_jwt(request, public_id):
    return _serve(documents.credential_jwt(public_id))


@_machine_readable
def award_credential_json(request, public_id):
    return _serve(documents.credential_json(public_id))


@_machine_readable
def ob3_issuer_key(request, kid):
    return _serve(documents.issuer_key(kid))


@_machine_readable
def ob3_status_list(request, slug):
    return _serve(documents.status_list(slug))


@ratelimit(key="ip", rate=settings.VERIFY_RATE_LIMIT, method=ratelimit.ALL, block=True)
def award_verify(request, public_id):
    award = public_award_or_404(public_id, "template__issuer")
    form = AwardVerifyForm(request.POST or None)
    email = form.cleaned_data["email"] if form.is_valid() else ""
    report = verification.verify_award(award.public_id, email=email)
    return render(request, "badges/verify_award.html", {"award": award, "form": form, "report": report})


@ratelimit(key="ip", rate=settings.VERIFY_RATE_LIMIT, method="POST", block=True)
def verify(request):
    form = VerifyForm(request.POST, request.FILES) if request.method == "POST" else VerifyForm()
    report = None
    if form.is_bound and form.is_valid():
        report = verification.verify_submission(**form.cleaned_data)
    return render(request, "badges/verify.html", {"form": form, "report": report})
