"""An earner's transcript (a page and its PDF) and a PDF certificate per badge, for anyone the earner shares
them with. Both show only what the public may see: a private profile or badge answers 404, and a revoked badge
is left off the transcript and has no certificate."""

import contextlib
import logging

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_ratelimit.decorators import ratelimit

from ..catalog.images import rendition_name
from ..public.selectors import profile_person_or_404
from ..sharing import links
from . import pdf, selectors

logger = logging.getLogger(__name__)
# The size of the badge's stored copy drawn on the certificate (90 pt wide: sharp in print at this size).
ARTWORK_PX = 512


def _pdf_rate(group, request):
    # One budget for both PDFs: what it bounds is the CPU they cost together.
    return settings.PDF_RATE_LIMIT


def _pdf_response(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Revalidate every time: a badge or profile made private since must not be served from a cache.
    response["Cache-Control"] = "no-cache"
    return response


def transcript_url(person):
    return settings.SITE_URL + reverse("transcript", args=[person.profile_key])


def verify_url(award):
    return settings.SITE_URL + reverse("award_verify", args=[award.public_id])


def transcript(request, key):
    person = profile_person_or_404(request.user, key)
    if key != person.profile_key:
        return redirect("transcript", person.profile_key)
    is_owner = person == request.user
    context = {
        "person": person,
        "awards": selectors.transcript_awards(person, is_owner=is_owner),
        "is_owner": is_owner,
        "transcript_url": transcript_url(person),
        "today": timezone.localdate(),
    }
    return render(request, "badges/transcript.html", context)


@ratelimit(group="pdf", key="ip", rate=_pdf_rate, block=True)
def transcript_pdf(request, key):
    person = selectors.public_person_or_404(key)
    if key != person.profile_key:
        return redirect("transcript_pdf", person.profile_key)
    entries = tuple(
        pdf.TranscriptEntry(
            badge_name=award.template.name,
            issuer_name=award.template.issuer.name,
            issued_on=award.issued_on,
            expires_on=award.expires_on,
            expired=award.is_expired,
            credential_id=links.credential_id(award),
            verify_url=verify_url(award),
        )
        for award in selectors.transcript_awards(person, is_owner=False)
    )
    data = pdf.TranscriptData(
        earner_name=person.full_name or "Badge earner",
        headline=person.headline,
        transcript_url=transcript_url(person),
        generated_on=timezone.localdate(),
        site_name=settings.SITE_NAME,
        entries=entries,
    )
    return _pdf_response(pdf.transcript_pdf(data), f"transcript-{slugify(person.profile_key)}.pdf")


@ratelimit(group="pdf", key="ip", rate=_pdf_rate, block=True)
def certificate_pdf(request, public_id):
    award = selectors.certificate_award_or_404(public_id)
    if award.is_revoked:
        # A readable page, as for the baked image: a certificate would vouch for what the issuer withdrew.
        return render(request, "badges/download_revoked.html", {"award": award, "what": "certificate"}, status=410)
    template = award.template
    with _badge_artwork(template) as image:
        data = pdf.CertificateData(
            badge_name=template.name,
            earner_name=award.recipient_name,
            issuer_name=template.issuer.name,
            issued_on=award.issued_on,
            expires_on=award.expires_on,
            expired=award.is_expired,
            credential_id=links.credential_id(award),
            verify_url=verify_url(award),
            site_name=settings.SITE_NAME,
            image=image,
        )
        content = pdf.certificate_pdf(data)
    return _pdf_response(content, f"certificate-{award.public_id}.pdf")


@contextlib.contextmanager
def _badge_artwork(template):
    """The badge's image as an open file for the PDF: its sized copy once made, else the upload; None when there
    is none or the storage cannot give it (a certificate without artwork beats no certificate)."""
    image = template.image
    if not image:
        yield None
        return
    name = rendition_name(image.name, ARTWORK_PX, "png") if template.image_renditions_of == image.name else image.name
    try:
        handle = image.storage.open(name, "rb")
    except Exception:  # a missing file, or an object store that is down: both storages raise their own errors
        logger.warning("Badge artwork %s unreadable; certificate drawn without it", name, exc_info=True)
        yield None
        return
    with handle:
        yield handle
