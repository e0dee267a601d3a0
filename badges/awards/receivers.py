"""Collect badges when an address is proven: at sign-up, on verification, or through a claim link."""

import logging

from allauth.account.signals import email_confirmed, user_logged_in, user_signed_up
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.dispatch import receiver

from .claim_session import pop_claim_token_id
from .services import award_claim, awards_attach_for_email

logger = logging.getLogger(__name__)


@receiver(email_confirmed)
def attach_awards_on_confirmation(sender, request, email_address, **kwargs):
    awards_attach_for_email(user=email_address.user, email=email_address.email)


@receiver(user_signed_up)
def attach_awards_on_signup(sender, request, user, **kwargs):
    # An address verified at sign-up (through a claim link) sends no email_confirmed signal.
    for address in user.emailaddress_set.filter(verified=True):
        awards_attach_for_email(user=user, email=address.email)


@receiver(user_logged_in)
def finish_claim_on_login(sender, request, user, **kwargs):
    token_id = pop_claim_token_id(request)
    if token_id is None:
        return
    try:
        award = award_claim(token_id=token_id, user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    messages.success(request, f"“{award.template.name}” is in your wallet. Accept it to show it to the world.")
