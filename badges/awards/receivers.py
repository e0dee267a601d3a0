"""Collect badges when an address is proven: at sign-up, on verification, or by an identity provider; tell
the earner when a badge is revoked, expires or is renewed.

A claim link's own badge is collected by `views.claim_finish`, where the sign-in started from it lands.
"""

from allauth.account.signals import email_confirmed, user_signed_up
from allauth.socialaccount.signals import social_account_added, social_account_updated
from django.dispatch import receiver

from outbox.services import outbox_enqueue

from .services import (
    EXPIRED_EMAIL,
    REVOKED_EMAIL,
    award_renewal_email,
    awards_attach_for_email,
    provider_addresses_collect,
)
from .signals import award_expired, award_renewed, award_revoked


@receiver(email_confirmed)
def attach_awards_on_confirmation(sender, request, email_address, **kwargs):
    awards_attach_for_email(user=email_address.user, email=email_address.email)


@receiver(user_signed_up)
def attach_awards_on_signup(sender, request, user, **kwargs):
    # An address verified at sign-up (through a claim link or a provider) sends no email_confirmed signal.
    for address in user.emailaddress_set.filter(verified=True):
        awards_attach_for_email(user=user, email=address.email)


@receiver([social_account_added, social_account_updated])
def collect_provider_verified_addresses(sender, request, sociallogin, **kwargs):
    # A provider connected to an account, or signing in to it again. allauth records the provider's
    # addresses only when it creates the account (`user_signed_up` above collects those); an address
    # the provider verified later, or one it brings to an existing account, is collected here.
    emails = [address.email for address in sociallogin.email_addresses if address.verified]
    provider_addresses_collect(user=sociallogin.user, emails=emails)


# Sent inside the service's transaction: the outbox row commits, or rolls back, with the change.
@receiver(award_revoked)
def email_revocation(sender, award, **kwargs):
    if award.recipient_email and not award.is_anonymised:
        outbox_enqueue(kind=REVOKED_EMAIL, to=award.recipient_email, payload={"award_id": award.pk})


@receiver(award_expired)
def email_expiry(sender, award, **kwargs):
    if award.recipient_email and not award.is_anonymised:
        outbox_enqueue(kind=EXPIRED_EMAIL, to=award.recipient_email, payload={"award_id": award.pk})


@receiver(award_renewed)
def email_renewal(sender, award, notify=True, **kwargs):
    email = notify and award_renewal_email(award)
    if email:  # one row: a plain INSERT (outbox_enqueue_many's COPY path costs a round trip more)
        outbox_enqueue(kind=email.kind, to=email.to, payload=email.payload)
