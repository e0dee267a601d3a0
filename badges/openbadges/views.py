"""Open Badges endpoints: 2.0 hosted JSON, baked images, 3.0 credentials and keys, and verification.

Machine-readable endpoints always answer JSON (or the token / image asked for), never an HTML
page, and only for what `Award.objects.publicly_visible()` allows.
"""

import functools
import json

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_ratelimit.decorators import ratelimit

from ..public.selectors import public_award_or_404
from . import baking, ob2, ob3, selectors, verification
from .forms import AwardVerifyForm, VerifyForm
from .selectors import CREDENTIAL_RELATED, public_award

LD_JSON = "application/ld+json"
VC_JWT = "application/vc+jwt"


def _cors(response):
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _json_text(body, status=200, content_type=LD_JSON):
    return _cors(HttpResponse(body, content_type=f"{content_type}; charset=utf-8", status=status))


def _json(data, status=200, content_type=LD_JSON):
    return _json_text(ob2.dumps(data), status=status, content_type=content_type)


def _not_found():
    return _json({"error": "not_found", "detail": "Nothing public lives at this address."}, status=404)


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
    return _not_found()


@_machine_readable
def ob2_issuer(request, slug):
    issuer = selectors.issuer(slug)
    return _json(ob2.issuer_json(issuer)) if issuer else _not_found()


@_machine_readable
def ob2_badgeclass(request, slug):
    template = selectors.badge_template(slug)
    return _json(ob2.cached_badgeclass_json(template)) if template else _not_found()


@_machine_readable
def ob2_assertion(request, public_id):
    answer = ob2.cached_assertion(public_id)
    if answer is None:
        return _not_found()
    status, body = answer
    return _json_text(body, status=status)


def _png(content, filename):
    response = HttpResponse(content, content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return _cors(response)


def _asks_for_a_page(request):
    """A browser following a download link lists text/html first; a verifier or a script asks for the image,
    JSON or anything (`*/*`, or no Accept header), and gets the machine-readable answer."""
    return request.get_preferred_type(["image/png", LD_JSON, "application/json", "text/html"]) == "text/html"


def _unbakeable(request, award):
    """The answer when there is no baked image to give, or None when there is. A revoked badge's answer is
    a readable page for a browser and the revocation JSON for everything else."""
    if award is None or not award.template.image:
        return _not_found()
    if not award.is_revoked:
        return None
    if _asks_for_a_page(request):
        response = render(request, "badges/download_revoked.html", {"award": award}, status=410)
    else:
        response = _json(ob2.revoked_json(award), status=410)
    patch_vary_headers(response, ["Accept"])
    return response


@_machine_readable
def award_baked_png(request, public_id):
    award = public_award(public_id)
    if problem := _unbakeable(request, award):
        return problem
    text = json.dumps(ob2.assertion_json(award), ensure_ascii=False)
    baked = baking.bake(baking.as_png(award.template.image), text, keyword=baking.OB2_KEYWORD)
    return _png(baked, f"{award.template.slug}.png")


@_machine_readable
def award_baked_ob3_png(request, public_id):
    award = public_award(public_id, CREDENTIAL_RELATED)
    if problem := _unbakeable(request, award):
        return problem
    token = ob3.credential_jwt(award)
    baked = baking.bake(baking.as_png(award.template.image), token, keyword=baking.OB3_KEYWORD)
    return _png(baked, f"{award.template.slug}-ob3.png")


@_machine_readable
def award_credential_jwt(request, public_id):
    award = public_award(public_id, CREDENTIAL_RELATED)
    if award is None:
        return _not_found()
    if award.is_revoked:
        return _json(ob2.revoked_json(award), status=410)
    return _cors(HttpResponse(ob3.credential_jwt(award), content_type=VC_JWT))


@_machine_readable
def award_credential_json(request, public_id):
    award = public_award(public_id, CREDENTIAL_RELATED)
    if award is None:
        return _not_found()
    if award.is_revoked:
        return _json(ob2.revoked_json(award), status=410)
    return _json(ob3.cached_credential_json(award))


@_machine_readable
def ob3_issuer_key(request, kid):
    """Retired keys stay published: credentials they signed must keep verifying."""
    key = selectors.issuer_key(kid)
    return _json(key.public_jwk, content_type="application/jwk+json") if key else _not_found()


@_machine_readable
def ob3_status_list(request, slug):
    issuer = selectors.issuer(slug)
    if issuer is None:
        return _not_found()
    return _cors(HttpResponse(ob3.status_list_jwt(issuer, selectors.revoked_award_ids(issuer)), content_type=VC_JWT))


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
