"""Everything that changes an award: issue, claim, accept, decline, restore, revoke, resend, renew."""

import hashlib
import secrets
import unicodedata
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, URLValidator, validate_email
from django.db import transaction
from django.utils import timezone

from badgeportal.audit import audit_record
from outbox.models import OutboxEmail
from outbox.services import outbox_enqueue

from ..models import Award, AwardState, ClaimToken
from .signals import (
    award_claimed,
    award_declined,
    award_expired,
    award_held,
    award_issued,
    award_renewed,
    award_revoked,
)

# The outbox kind of the claim email (its renderer: `badges.awards.emails.render_claim_email`).
CLAIM_EMAIL = "claim"
# What the earner is told (`badges.awards.receivers`, rendered by `badges.awards.emails`).
REVOKED_EMAIL = "award_revoked"
EXPIRED_EMAIL = "award_expired"
RENEWED_EMAIL = "award_renewed"


def normalize_email(email):
    email = (email or "").strip().lower()
    try:
        validate_email(email)
        MaxLengthValidator(Award._meta.get_field("recipient_email").max_length)(email)
    except ValidationError:
        raise ValidationError(f"“{email}” is not a valid email address.", code="invalid_email") from None
    return email


def normalize_recipient_name(name):
    """The name printed on the badge: one line of text that fits its column (PostgreSQL refuses NUL)."""
    name = (name or "").strip()
    max_length = Award._meta.get_field("recipient_name").max_length
    if not name:
        raise ValidationError("The recipient's name is required.", code="name_required")
    if any(unicodedata.category(character) == "Cc" for character in name):
        raise ValidationError(
            "The recipient's name contains a control character (such as NUL or a line break); use plain text.",
            code="name_control_character",
        )
    if len(name) > max_length:
        raise ValidationError(f"The recipient's name is longer than {max_length} characters.", code="name_too_long")
    return name


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate_day in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate_day)
        except ValueError:
            continue


def verified_owner_of(email):
    address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    return address.user if address else None


@transaction.atomic
def award_issue(
    *, template, email, name, issued_on=None, expires_on=None, external_id="", evidence_url="", send_email=True
):
    """Award `template` to `email` and queue the claim email (unless `send_email` is off).

    If the address is already verified on an account the badge goes straight to that
    wallet, still waiting for acceptance. `external_id` is the program's own id for the earner; `evidence_url`
    a page showing the work behind the badge (published in the Open Badges documents).
    """
    email = normalize_email(email)
    name = normalize_recipient_name(name)
    issued_on = issued_on or timezone.localdate()
    if expires_on is None and template.validity_months:
        expires_on = add_months(issued_on, template.validity_months)
    if expires_on and expires_on < issued_on:
        raise ValidationError("The expiry date is before the issue date.", code="expires_before_issue")

    award = Award.objects.create(
        template=template,
        recipient_email=email,
        recipient_name=name,
        earner=verified_owner_of(email),
        issued_on=issued_on,
        expires_on=expires_on,
        external_id=normalize_external_id(external_id),
        evidence_url=normalize_evidence_url(evidence_url),
    )
    if send_email:
        outbox_enqueue(kind=CLAIM_EMAIL, to=email, payload={"award_id": award.pk})
    award_issued.send(sender=Award, award=award)
    return award


def normalize_evidence_url(url):
    url = (url or "").strip()
    if not url:
        return ""
    max_length = Award._meta.get_field("evidence_url").max_length
    if len(url) > max_length:
        raise ValidationError(f"The evidence URL is longer than {max_length} characters.", code="evidence_too_long")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(f"“{url}” is not an http or https address.", code="evidence_invalid") from None
    return url


def normalize_external_id(external_id):
    external_id = (external_id or "").strip()
    max_length = Award._meta.get_field("external_id").max_length
    if len(external_id) > max_length:
        raise ValidationError(f"The earner id is longer than {max_length} characters.", code="external_id_too_long")
    if any(unicodedata.category(character) == "Cc" for character in external_id):
        raise ValidationError("The earner id contains a control character; use plain text.", code="external_id_control")
    return external_id


def _refuse_if_anonymised(award):
    if award.is_anonymised:
        raise ValidationError("The earner deleted their account; this badge goes to no one.", code="anonymised")


@transaction.atomic
def award_resend(*, award):
    _refuse_if_anonymised(award)
    if award.is_revoked:
        raise ValidationError("A revoked badge cannot be claimed.", code="revoked")
    if award.state != AwardState.PENDING:
        raise ValidationError("This badge has already been accepted or declined.", code="not_pending")
    # Nothing on the award changes, so its saves leave no trace: the resend records itself.
    audit_record(instance=award, action="resend claim email")
    return outbox_enqueue(kind=CLAIM_EMAIL, to=award.recipient_email, payload={"award_id": award.pk})


@transaction.atomic
def award_replace_email(*, award, email):
    """Send a pending badge to another address (the first one was wrong).

    Links already sent to the old address stop working, the badge leaves any account that collected it
    through that address, and a claim email goes to the new one.
    """
    email = normalize_email(email)
    _refuse_if_anonymised(award)
    if award.is_revoked:
        raise ValidationError("A revoked badge cannot be claimed.", code="revoked")
    if award.state != AwardState.PENDING:
        raise ValidationError("Only a pending badge can be sent to another address.", code="not_pending")
    ClaimToken.objects.filter(award=award, used_at__isnull=True).delete()
    award.recipient_email = email
    award.earner = verified_owner_of(email)
    award.save(update_fields=["recipient_email", "earner", "updated_at"])
    outbox_enqueue(kind=CLAIM_EMAIL, to=email, payload={"award_id": award.pk})
    return award


def _hash_token(raw_token):
    return hashlib.sha256(raw_token.encode()).hexdigest()


def claim_token_create(*, award):
    """Mint a claim link token; only its hash is kept, the raw value goes into the email."""
    raw_token = secrets.token_urlsafe(32)
    ClaimToken.objects.create(
        award=award,
        token_hash=_hash_token(raw_token),
        expires_at=timezone.now() + timedelta(days=settings.CLAIM_LINK_DAYS),
    )
    return raw_token


def claim_token_mint(*, award):
    """Mint a claim link token for `award` if it is still unrevoked and still addressed to the address it was
    read with; return the raw token, or None if it changed since.

    For the claim emails sent in bulk, which read their awards for a whole batch: the re-check and the
    insert are one statement, in the email's own transaction, instead of reading the award again per email.
    """
    raw_token = secrets.token_urlsafe(32)
    now = timezone.now()
    connection = transaction.get_connection()
    field = ClaimToken._meta.get_field
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field(name).column) for name in ("award", "token_hash", "created_at", "expires_at"))
    # Only the models' own table and column names are formatted in; every value is a parameter.
    tokens, awards = quote(ClaimToken._meta.db_table), quote(Award._meta.db_table)
    sql = f"INSERT INTO {tokens} ({columns}) SELECT id, %s, %s, %s FROM {awards}"  # noqa: S608
    sql += " WHERE id = %s AND revoked_at IS NULL AND recipient_email = %s"
    when = field("created_at").get_db_prep_value
    params = [
        _hash_token(raw_token),
        when(now, connection),
        when(now + timedelta(days=settings.CLAIM_LINK_DAYS), connection),
        award.pk,
        award.recipient_email,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return raw_token if cursor.rowcount == 1 else None


class ClaimProblem:
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


def claim_token_lookup(raw_token):
    """Return (token, problem): problem is None when the link can still be used."""
    if not raw_token or len(raw_token) > 100:
        return None, ClaimProblem.UNKNOWN
    token = (
        ClaimToken.objects.select_related("award__template__issuer", "award__earner")
        .filter(token_hash=_hash_token(raw_token))
        .first()
    )
    return token, claim_problem(token)


def claim_link_opened(*, award, now=None):
    """Note the first time one of the award's claim links is opened (one UPDATE that finds nothing after)."""
    Award.objects.filter(pk=award.pk, claim_link_opened_at__isnull=True).update(
        claim_link_opened_at=now or timezone.now()
    )


def claim_problem(token):
    if token is None:
        return ClaimProblem.UNKNOWN
    if token.award.is_revoked:
        return ClaimProblem.REVOKED
    if token.is_used or token.award.state != AwardState.PENDING:
        return ClaimProblem.USED
    if token.is_expired:
        return ClaimProblem.EXPIRED
    return None


@transaction.atomic
def award_claim(*, token_id, user, add_address=False):
    """Attach the award behind a claim link to `user`.

    Holding the link shows only that someone could read one email, and emails get forwarded. So the
    claim brings this badge alone; the address joins the account, verified and with every other badge
    waiting for it, only when the person asks (`add_address`). Otherwise the address stays free for its
    owner to sign up with or verify, and what is sent to it later waits for them.
    """
    # The id may come from a session: the token can be gone since (its award deleted, say).
    token = ClaimToken.objects.select_for_update().select_related("award").filter(pk=token_id).first()
    problem = claim_problem(token)
    if problem:
        raise ValidationError(CLAIM_PROBLEM_MESSAGES[problem], code=problem)
    award = token.award
    if award.earner_id and award.earner_id != user.pk:
        raise ValidationError("This badge is already in another account.", code="other_account")
    owner = verified_owner_of(award.recipient_email)
    if owner and owner.pk != user.pk:
        raise ValidationError(
            "That address belongs to another account. Sign in with that account to collect this badge.",
            code="other_account",
        )
    token.used_at = timezone.now()
    token.save(update_fields=["used_at"])
    if add_address:
        email_address_verify(user=user, email=award.recipient_email)
    else:
        award.earner = user
        award.save(update_fields=["earner", "updated_at"])
    award_claimed.send(sender=Award, award=award)
    return award


def email_address_verify(*, user, email):
    """Record `email` as a verified address of `user` and collect the badges waiting for it."""
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email__iexact=email, defaults={"email": email, "verified": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    if not EmailAddress.objects.filter(user=user, primary=True).exists():
        address.set_as_primary()
    return awards_attach_for_email(user=user, email=email)


@transaction.atomic  # its callers include allauth's signals, sent outside any transaction (sign-up)
def awards_attach_for_email(*, user, email):
    """Give `user` every pending, unclaimed award sent to `email`. Call only for verified addresses."""
    # A queryset update sends no post_save, so the public cache hears nothing; it needs to: pending awards
    # are never public, and nothing public was cached for them.
    awards = list(Award.objects.pending_for_email(email).select_for_update())
    Award.objects.filter(pk__in=[award.pk for award in awards]).update(earner=user, updated_at=timezone.now())
    for award in awards:
        award.earner = user
        award_claimed.send(sender=Award, award=award)
    return len(awards)


@transaction.atomic
def provider_addresses_collect(*, user, emails):
    """Treat the addresses an identity provider vouches for as verified addresses of `user`.

    An address already verified on another account stays there: a provider's word does not move it.
    """
    for email in emails:
        try:
            email = normalize_email(email)
        except ValidationError:
            continue  # a malformed claim from the provider is nobody's address
        owner = verified_owner_of(email)
        if owner is None or owner.pk == user.pk:
            email_address_verify(user=user, email=email)


CLAIM_PROBLEM_MESSAGES = {
    ClaimProblem.UNKNOWN: "We do not recognise this claim link.",
    ClaimProblem.USED: "This claim link has already been used.",
    ClaimProblem.EXPIRED: "This claim link has expired.",
    ClaimProblem.REVOKED: "This badge has been revoked by its issuer.",
}


# Said when the badge is no longer in the state the click expected: another tab, or the other button
# pressed at the same moment, got there first.
STATE_ALREADY = {
    AwardState.PENDING: "This badge is still waiting for you to accept it.",
    AwardState.ACCEPTED: "You already accepted this badge.",
    AwardState.DECLINED: "You already declined this badge.",
}


def _change_state(award, *, allowed_from, to):
    """Call inside a transaction: the row is locked and read again, so of two changes sent at once
    the second sees the first one's state and is refused, instead of both reporting success."""
    award.refresh_from_db(from_queryset=Award.objects.select_for_update())
    if award.is_revoked:
        raise ValidationError("This badge has been revoked by its issuer.", code="revoked")
    if award.state not in allowed_from:
        raise ValidationError(STATE_ALREADY[award.state], code="bad_state")
    award.state = to
    if to == AwardState.ACCEPTED:
        award.accepted_at = timezone.now()
    award.save(update_fields=["state", "accepted_at", "updated_at"])
    return award


@transaction.atomic
def award_accept(*, award):
    award = _change_state(award, allowed_from={AwardState.PENDING}, to=AwardState.ACCEPTED)
    award_held.send(sender=Award, award=award)
    return award


@transaction.atomic
def award_decline(*, award):
    award = _change_state(award, allowed_from={AwardState.PENDING}, to=AwardState.DECLINED)
    award_declined.send(sender=Award, award=award)
    return award


@transaction.atomic
def award_restore(*, award):
    """Undo a decline: the badge waits for the earner's choice again, as it did before.

    Restoring is not accepting: accepting makes a badge public, and that is the earner's decision to make
    on the badge itself. Only a pending badge can be declined (an accepted one is hidden with the privacy
    switch instead), so pending is always the state a declined badge came from.
    """
    return _change_state(award, allowed_from={AwardState.DECLINED}, to=AwardState.PENDING)


@transaction.atomic
def award_revoke(*, award, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("A reason is required to revoke a badge.", code="reason_required")
    award.refresh_from_db(from_queryset=Award.objects.select_for_update())
    if award.is_revoked:
        raise ValidationError("This badge is already revoked.", code="already_revoked")
    award.revoked_at = timezone.now()
    award.revocation_reason = reason
    award.save(update_fields=["revoked_at", "revocation_reason", "updated_at"])
    award_revoked.send(sender=Award, award=award)
    return award


def awards_expiry_announce(*, today=None, batch=500):
    """Announce (`award_expired`) every award whose expiry date has passed, once per award.

    Run by beat; safe to run twice at once: rows are locked with SKIP LOCKED and marked in the same
    transaction that sends the signal. Revoked badges were announced when revoked. Returns the count.
    """
    today = today or timezone.localdate()
    announced = 0
    while True:
        with transaction.atomic():
            awards = list(
                Award.objects.filter(expires_on__lt=today, expiry_announced_at__isnull=True, revoked_at__isnull=True)
                .select_for_update(skip_locked=True)
                .order_by("pk")[:batch]
            )
            if not awards:
                return announced
            now = timezone.now()
            Award.objects.filter(pk__in=[award.pk for award in awards]).update(expiry_announced_at=now)
            for award in awards:
                award.expiry_announced_at = now
                award_expired.send(sender=Award, award=award)
        announced += len(awards)


def award_renew_check(*, award, expires_on, today=None):
    """Raise the ValidationError that stops renewing `award` to `expires_on`; the rules `award_renew` applies,
    also asked by an import's preview before anything is written."""
    today = today or timezone.localdate()
    _refuse_if_anonymised(award)
    if award.is_revoked:
        raise ValidationError("A revoked badge cannot be renewed.", code="revoked")
    if expires_on is None:
        raise ValidationError("Give the new expiry date.", code="expires_required")
    if expires_on < today:
        raise ValidationError("The new expiry date is in the past.", code="expires_in_past")
    if expires_on < award.issued_on:
        raise ValidationError("The expiry date is before the issue date.", code="expires_before_issue")
    # A renewal extends: a date that shortens the badge (or one that never expires) is a mistake, not a renewal.
    if award.expires_on is None:
        raise ValidationError("This badge does not expire; there is nothing to renew.", code="does_not_expire")
    if expires_on <= award.expires_on:
        raise ValidationError(
            f"The new expiry date is not after the current one ({award.expires_on.isoformat()}).",
            code="expires_not_later",
        )


def award_renewal_email(award):
    """The renewal email for `award` (unsaved), or None when nobody holds the badge: a pending one still waits
    on its claim email, a declined one was refused, an anonymised one has no address."""
    if award.state != AwardState.ACCEPTED or not award.recipient_email or award.is_anonymised:
        return None
    return OutboxEmail(kind=RENEWED_EMAIL, to=award.recipient_email, payload={"award_id": award.pk})


@transaction.atomic
def award_renew(*, award, expires_on, today=None, notify=True):
    """Give the award a new expiry date and record the renewal (`renewed_on`).

    An expired badge renewed is valid again as it stands: accepted stays accepted, nothing to claim. The
    expiry is announced again when the new date passes, and a new expiry reminder goes before it. With
    `notify`, an earner who holds the badge is emailed the new date (`award_renewal_email`).
    """
    today = today or timezone.localdate()
    award.refresh_from_db(from_queryset=Award.objects.select_for_update())
    award_renew_check(award=award, expires_on=expires_on, today=today)
    award.expires_on = expires_on
    award.renewed_on = today
    award.expiry_announced_at = None
    # A save, not a queryset update: the public cache and the audit trail hear of it (post_save).
    award.save(update_fields=["expires_on", "renewed_on", "expiry_announced_at", "updated_at"])
    award_renewed.send(sender=Award, award=award, notify=notify)
    return award
