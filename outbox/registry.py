"""Renderers turn an outbox row into an EmailMessage at send time.

An app registers one per kind in its `AppConfig.ready()`:

    register("claim", render_claim_email)

A renderer takes the row and returns an `EmailMultiAlternatives`, or None when the email
no longer makes sense (the award was revoked meanwhile); the row is then marked sent.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string

_renderers = {}


def register(kind, renderer):
    _renderers[kind] = renderer


def kinds():
    return sorted(_renderers)


def render(row):
    try:
        renderer = _renderers[row.kind]
    except KeyError:
        raise LookupError(f"No email renderer registered for kind {row.kind!r}") from None
    return renderer(row)


def _render_text(template_name, context):
    """Render a subject or plain-text body without autoescape, whatever the template says: it is not HTML,
    and "Ada's badge" must not arrive as "Ada&#x27;s badge"."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def templated_email(*, to, template, context, reply_to=None, headers=None):
    """Build an HTML + plain-text email from `<template>_subject.txt`, `.txt` and `.html`.

    `headers` are extra headers, such as `List-Unsubscribe` (`unsubscribe_headers`)."""
    context = {"SITE_URL": settings.SITE_URL, "SITE_NAME": settings.SITE_NAME, **context}
    subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=_render_text(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        reply_to=reply_to or [],
        headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def unsubscribe_headers(url):
    """RFC 8058 one-click unsubscribe: mail clients POST `List-Unsubscribe=One-Click` to `url`, which must
    work without a session (the URL carries its own signed token)."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
