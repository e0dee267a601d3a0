"""Renderers turn an outbox row into an EmailMessage at send time.

An app registers one per kind in its `AppConfig.ready()`:

    register("claim", render_claim_email)

A renderer takes the row and returns an `EmailMultiAlternatives`, or None when the email
no longer makes sense (the award was revoked meanwhile); the row is then marked sent.

A kind sent in bulk can also register a `prefetch`: it takes the rows of that kind in a batch and reads in
one query what their emails show (their awards, say), and the renderer is then called with
`prefetched=` what it returned. A worker sending a batch of 100 then reads once instead of 100 times; the
renderer must still check, in the row's own transaction, whatever decides whether the email goes out.
"""

import email.policy
from collections import defaultdict
from email.headerregistry import HeaderRegistry

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context
from django.template.loader import get_template, render_to_string

_renderers = {}
_prefetchers = {}


def register(kind, renderer, prefetch=None):
    _renderers[kind] = renderer
    if prefetch is None:
        _prefetchers.pop(kind, None)
    else:
        _prefetchers[kind] = prefetch


def kinds():
    return sorted(_renderers)


def prefetch(rows):
    """What the renderers of `rows` read once for the whole batch: {kind: what its prefetch returned}."""
    by_kind = defaultdict(list)
    for row in rows:
        if row.kind in _prefetchers:
            by_kind[row.kind].append(row)
    return {kind: _prefetchers[kind](kind_rows) for kind, kind_rows in by_kind.items()}


def render(row, prefetched=None):
    try:
        renderer = _renderers[row.kind]
    except KeyError:
        raise LookupError(f"No email renderer registered for kind {row.kind!r}") from None
    if prefetched and row.kind in prefetched:
        return renderer(row, prefetched=prefetched[row.kind])
    return renderer(row)


class _HeaderClasses(HeaderRegistry):
    """The standard library's header registry, building each header class once.

    `HeaderRegistry` builds a new class with `type()` every time it is asked for one: 15 times per email
    (the headers of the message and of its two parts, set and then read to serialise), about a third of
    the CPU time the `email` package spends on a claim email. The classes it builds hold no state, so one
    per header name serves every message and the bytes are the same.
    """

    def __init__(self):
        super().__init__()
        self._built = {}

    def __getitem__(self, name):
        key = name.lower()
        if key not in self._built:
            self._built[key] = super().__getitem__(name)
        return self._built[key]


_HEADER_CLASSES = _HeaderClasses()
_policies = {}


def _with_header_classes(policy):
    """`policy` building its headers from `_HEADER_CLASSES`, when it uses the standard registry."""
    if type(policy.header_factory) is not HeaderRegistry:
        return policy
    if policy not in _policies:
        _policies[policy] = policy.clone(header_factory=_HEADER_CLASSES)
    return _policies[policy]


class OutboxMessage(EmailMultiAlternatives):
    """An HTML + text email whose MIME message costs less CPU to build (see `_HeaderClasses`)."""

    def message(self, *, policy=email.policy.default):
        return super().message(policy=_with_header_classes(policy))


def _render_text(template_name, context):
    """Render a subject or plain-text body without autoescape, whatever the template says: it is not HTML,
    and "Ada's badge" must not arrive as "Ada&#x27;s badge"."""
    return get_template(template_name).template.render(Context(context, autoescape=False))


def templated_email(*, to, template, context, reply_to=None, headers=None):
    """Build an HTML + plain-text email from `<template>_subject.txt`, `.txt` and `.html`.

    `headers` are extra headers, such as `List-Unsubscribe` (`unsubscribe_headers`)."""
    context = {"SITE_URL": settings.SITE_URL, "SITE_NAME": settings.SITE_NAME, **context}
    subject = " ".join(_render_text(f"{template}_subject.txt", context).split())
    message = OutboxMessage(
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
