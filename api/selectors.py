"""Reads for the API, each scoped to the calling key's issuer: another issuer's rows do not exist here."""

from django.shortcuts import get_object_or_404

from badges.models import Award, BadgeTemplate


def issuer_templates(issuer):
    return BadgeTemplate.objects.filter(issuer=issuer).select_related("certification", "exam")


def issuer_templates_by_slug(issuer, slugs):
    return {template.slug: template for template in BadgeTemplate.objects.filter(issuer=issuer, slug__in=slugs)}


def issuer_awards(issuer):
    return Award.objects.filter(template__issuer=issuer).select_related("template")


def issuer_award_or_404(issuer, public_id):
    return get_object_or_404(issuer_awards(issuer), public_id=public_id)
