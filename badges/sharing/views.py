"""The owner's sharing and privacy actions, and the public endpoints that sharing points at."""

from urllib.parse import urlsplit

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from ..awards.selectors import own_award_or_404
from ..models import Award
from ..public.selectors import CARD_RELATED, PAGE_RELATED, public_award_or_404
from . import links, services
from .context import privacy_panel_context, share_panel_context
from .forms import ShareEmailForm
from .rules import sharing_refusal


def share_redirect(request, public_id, channel):
    """Count a share, then send the browser to the network's share form; a link kept from before the badge
    was revoked or expired gets a page that says why not."""
    if channel not in links.REDIRECT_CHANNELS:
        raise Http404("Unknown share channel.")
    award = public_award_or_404(public_id, "template__issuer")
    if refusal := sharing_refusal(award, to_network=True):
        context = {"award": award, "refusal": refusal, "public_url": links.public_url(award)}
        return render(request, "badges/share_refused.html", context, status=410)
    services.share_click_record(award=award, channel=channel)
    return redirect(links.network_url(award, channel))


@login_required
@require_POST
def award_visibility(request, public_id):
    award = own_award_or_404(request.user, public_id)
    is_public = request.POST.get("is_public") == "1"
    try:
        services.award_set_visibility(award=award, is_public=is_public)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if is_public:
            messages.success(request, f"“{award.template.name}” is public: anyone with its link can see it.")
        else:
            messages.success(request, f"“{award.template.name}” is private: its public links answer “not found”.")
    return redirect(award)


def _share_email_rate(group, request):
    return settings.SHARE_EMAIL_RATE_LIMIT


@login_required
@require_POST
@ratelimit(key="user", rate=_share_email_rate, block=True)
def award_share_email(request, public_id):
    award = get_object_or_404(
        Award.objects.publicly_visible().select_related(*PAGE_RELATED), public_id=public_id, earner=request.user
    )
    form = ShareEmailForm(request.POST)
    if form.is_valid():
        try:
            rows = services.award_share_by_email(
                award=award, recipients=form.cleaned_data["recipients"], message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            if error.code == "not_shareable":  # revoked since the page was shown: there is no form to show it on
                messages.error(request, " ".join(error.messages))
                return redirect(award)
            form.add_error(None, error)
        else:
            count = len(rows)
            messages.success(request, f"Your badge is on its way to {count} address{'es' if count > 1 else ''}.")
            return redirect(award)
    context = {
        "award": award,
        "share_form": form,
        **share_panel_context(award, profile_public=request.user.profile_public),
        **privacy_panel_context(award, profile_public=request.user.profile_public),
    }
    return render(request, "badges/wallet_award.html", context, status=400)


def award_qr(request, public_id, fmt):
    """A QR code of the badge's public URL, for print and slides."""
    award = public_award_or_404(public_id)
    if fmt == "svg":
        image = qrcode.make(links.public_url(award), image_factory=qrcode.image.svg.SvgPathImage)
        response = HttpResponse(image.to_string(encoding="unicode"), content_type="image/svg+xml")
    else:
        response = HttpResponse(content_type="image/png")
        qrcode.make(links.public_url(award), box_size=10, border=4).save(response)
    response["Content-Disposition"] = f'inline; filename="badge-{award.public_id}-qr.{fmt}"'
    response["Cache-Control"] = "public, max-age=3600"
    return response


# Other sites may frame this one page; everything else keeps frame-ancestors 'none'.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


@xframe_options_exempt
@csp_override(EMBED_CSP)
def award_embed(request, public_id):
    award = public_award_or_404(public_id, *CARD_RELATED)
    return render(request, "badges/embed.html", {"award": award, "public_url": links.public_url(award)})


def _public_id_from_url(url):
    """The badge a URL on this site names, or None: only our own public badge pages are embeddable."""
    try:
        parts = urlsplit(url or "")
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    site = urlsplit(settings.SITE_URL)
    if (parts.scheme, parts.netloc) != (site.scheme, site.netloc):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    return match.kwargs["public_id"] if match.url_name == "award_public" else None


def _clamp(value, default):
    try:
        return max(1, min(default, int(value)))
    except (TypeError, ValueError):
        return default


def oembed(request):
    """oEmbed (https://oembed.com) for public badge pages: a "rich" iframe of the badge card."""
    if request.GET.get("format", "json") != "json":
        return HttpResponse("Only the json format is supported.", status=501, content_type="text/plain")
    public_id = _public_id_from_url(request.GET.get("url"))
    if public_id is None:
        raise Http404("Not a badge page of this site.")
    award = public_award_or_404(public_id, "template__issuer")
    width = _clamp(request.GET.get("maxwidth"), links.EMBED_WIDTH)
    height = _clamp(request.GET.get("maxheight"), links.EMBED_HEIGHT)
    data = {
        "version": "1.0",
        "type": "rich",
        "title": f"{award.template.name}, earned by {award.recipient_name}",
        "author_name": award.recipient_name,
        "provider_name": settings.SITE_NAME,
        "provider_url": settings.SITE_URL + "/",
        "html": links.embed_html(award, width=width, height=height),
        "width": width,
        "height": height,
        "thumbnail_url": links.og_image_url(award),
        "thumbnail_width": 1200,
        "thumbnail_height": 630,
        "cache_age": 3600,
    }
    return JsonResponse(data)
