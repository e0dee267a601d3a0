"""Issuing many awards at once: an import, an API batch.

`award_item_build` checks one award with the rules `award_issue` applies (the same normalisers);
`awards_issue_many` writes checked items in batches, each batch a fixed number of queries whatever its size:
the duplicates it holds, the verified owners of its addresses, then one write each (COPY on PostgreSQL) of
the awards, their claim emails and their audit entries. Everything happens in one transaction: a failure
leaves nothing behind.

With the renew policy a batch also locks the awards its addresses already hold (one query) and renews each
through `award_renew`, one award at a time: a renewal is rare beside an issue, and going through the service
keeps its rules, its audit entry and its `award_renewed` signal.
"""

from dataclasses import dataclass, field
from datetime import date

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Lower

from badgeportal.copy_insert import bulk_insert, new_instances
from badgeportal.lookups import InLines
from outbox.models import OutboxEmail
from outbox.services import outbox_enqueue_many, outbox_sweep_on_commit

from ..models import Award, BadgeTemplate, DuplicatePolicy
from .services import (
    CLAIM_EMAIL,
    add_months,
    award_renew,
    award_renew_check,
    award_renewal_email,
    normalize_email,
    normalize_evidence_url,
    normalize_external_id,
    normalize_recipient_name,
)
from .signals import awards_issued_in_bulk

BATCH_SIZE = 1000


def batch_size_for(count):
    """Items per batch when `count` are issued: BATCH_SIZE, or for a large file a twentieth of it, up to five
    times BATCH_SIZE. A batch costs a fixed number of statements and trigger runs, so fewer, larger batches are
    faster; and a caller's progress moves once a batch, so a smaller file keeps batches of BATCH_SIZE."""
    return min(max(BATCH_SIZE, count // 20), 5 * BATCH_SIZE)


@dataclass(frozen=True, slots=True)
class AwardItem:
    """One award to issue, already checked (`award_item_build`). `ref` is the caller's own (a line number)."""

    template: BadgeTemplate
    email: str
    name: str
    issued_on: date
    expires_on: date | None = None
    external_id: str = ""
    evidence_url: str = ""
    ref: object = field(default=None, compare=False)

    @property
    def key(self):
        return (self.template.pk, self.email)


def award_item_build(*, template, email, name, issued_on, expires_on=None, external_id="", evidence_url="", ref=None):
    """Check one award as `award_issue` would; raise a ValidationError listing every problem found."""
    problems = []
    values = {}
    for key, check, value in [
        ("email", normalize_email, email),
        ("name", normalize_recipient_name, name),
        ("external_id", normalize_external_id, external_id),
        ("evidence_url", normalize_evidence_url, evidence_url),
    ]:
        try:
            values[key] = check(value)
        except ValidationError as error:
            problems.append(error)
    if expires_on is None and template.validity_months:
        expires_on = add_months(issued_on, template.validity_months)
    if expires_on and expires_on < issued_on:
        problems.append(ValidationError("The expiry date is before the issue date.", code="expires_before_issue"))
    if problems:
        raise ValidationError(problems)
    return AwardItem(template=template, issued_on=issued_on, expires_on=expires_on, ref=ref, **values)


def awards_existing(keys):
    """Of the (template id, email) pairs `keys`, those already awarded and not revoked."""
    keys = set(keys)
    if not keys:
        return set()
    found = _awards_not_revoked(keys).values_list("template_id", "recipient_email")
    return set(found) & keys


def _awards_not_revoked(keys):
    """The awards not revoked of the templates and addresses in `keys`: every pair of `keys`, and others that
    mix one pair's template with another's address (the callers keep only their pairs)."""
    return Award.objects.filter(
        InLines(F("recipient_email"), (email for _, email in keys)),
        template_id__in={template_id for template_id, _ in keys},
        revoked_at__isnull=True,
    )


def awards_held(keys, *, lock=False):
    """{(template id, email): award} for the pairs of `keys` already awarded and not revoked, in one query; of
    several awards of a pair (an import that allowed duplicates), the latest issued. `lock`: FOR UPDATE."""
    keys = set(keys)
    if not keys:
        return {}
    awards = _awards_not_revoked(keys).order_by("issued_on", "pk")
    if lock:
        awards = awards.select_for_update(of=("self",))
    held = {}
    for award in awards:
        key = (award.template_id, award.recipient_email)
        if key in keys:
            held[key] = award  # the later one wins
    return held


def renewals_check(items, *, today=None):
    """Split `items` whose address holds their badge into (renewable, refused): refused holds
    (item, ValidationError) as `award_renew` would raise it. Reads, never writes: the preview's question."""
    held = awards_held(item.key for item in items)
    renewable, refused = [], []
    for item in items:
        try:
            award_renew_check(award=held[item.key], expires_on=item.expires_on, today=today)
        except ValidationError as error:
            refused.append((item, error))
        else:
            renewable.append(item)
    return renewable, refused


def _verified_owners(emails):
    """{email: user id} for the addresses verified on an account (stored lower-cased on awards)."""
    rows = (
        EmailAddress.objects.annotate(lower=Lower("email"))
        .filter(InLines(F("lower"), emails), verified=True)
        .values_list("lower", "user_id")
    )
    return dict(rows)


@dataclass
class IssuedMany:
    created: int = 0
    created_ids: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # the items left out as duplicates
    renewed: int = 0
    renewed_ids: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (item, ValidationError): renewals `award_renew` refused


@transaction.atomic
def awards_issue_many(
    *, items, send_email=True, duplicates=DuplicatePolicy.SKIP, award_import=None, progress=None, batch_size=BATCH_SIZE
):
    """Issue the checked `items` (an iterable of `AwardItem`) in one transaction and return an `IssuedMany`.

    With `duplicates="skip"`, an item whose template and address already hold a badge that is not revoked,
    or that repeats an earlier item, is left out (and returned in `skipped`). With `duplicates="renew"`, such a
    badge is renewed to the item's expiry date instead (`award_renew`: no claim email, the renewal email when
    `send_email`); one it refuses to
    renew is returned in `refused` with the reason; a repeat is skipped. Sends `awards_issued_in_bulk`
    once per batch, never `award_issued`. `progress(count)` hears after each batch how many items are done.
    """
    result = IssuedMany()
    seen = set()
    done = 0
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) == batch_size:
            done += _issue_batch(batch, result, seen, send_email, duplicates, award_import)
            batch = []
            if progress:
                progress(done)
    if batch:
        done += _issue_batch(batch, result, seen, send_email, duplicates, award_import)
        if progress:
            progress(done)
    if send_email and (result.created or result.renewed):
        outbox_sweep_on_commit()  # one for the whole transaction
    return result


def _renew_held(batch, result, seen, notify):
    """Renew the badges the batch's addresses hold, with their renewal emails (`notify`) written in one INSERT;
    return the items left to issue."""
    held = awards_held((item.key for item in batch), lock=True)
    keep, emails = [], []
    for item in batch:
        if item.key in seen:
            result.skipped.append(item)
            continue
        seen.add(item.key)
        if item.key not in held:
            keep.append(item)
            continue
        try:
            award = award_renew(award=held[item.key], expires_on=item.expires_on, notify=False)
        except ValidationError as error:
            result.refused.append((item, error))
            continue
        result.renewed += 1
        result.renewed_ids.append(award.pk)
        if notify and (email := award_renewal_email(award)):
            emails.append(email)
    if emails:
        outbox_enqueue_many(emails=emails, sweep=False)
    return keep


def _issue_batch(batch, result, seen, send_email, duplicates, award_import):
    if duplicates == DuplicatePolicy.RENEW:
        keep = _renew_held(batch, result, seen, notify=send_email)
    elif duplicates == DuplicatePolicy.SKIP:
        existing = awards_existing(item.key for item in batch)
        keep = []
        for item in batch:
            if item.key in existing or item.key in seen:
                result.skipped.append(item)
            else:
                seen.add(item.key)
                keep.append(item)
    else:
        keep = batch
    if not keep:
        return len(batch)
    owners = _verified_owners(item.email for item in keep)
    import_id = award_import.pk if award_import else None
    awards = new_instances(
        Award,
        (
            {
                "template_id": item.template.pk,
                "recipient_email": item.email,
                "recipient_name": item.name,
                "earner_id": owners.get(item.email),
                "issued_on": item.issued_on,
                "expires_on": item.expires_on,
                "external_id": item.external_id,
                "evidence_url": item.evidence_url,
                "award_import_id": import_id,
            }
            for item in keep
        ),
    )
    for award, item in zip(awards, keep, strict=True):
        award.template = item.template  # receivers read it; the templates are a handful of shared objects
    bulk_insert(Award, awards)
    if send_email:
        rows = ({"kind": CLAIM_EMAIL, "to": a.recipient_email, "payload": {"award_id": a.pk}} for a in awards)
        outbox_enqueue_many(emails=new_instances(OutboxEmail, rows), sweep=False)
    awards_issued_in_bulk.send(sender=Award, awards=awards)
    result.created += len(awards)
    result.created_ids += [award.pk for award in awards]
    return len(batch)
