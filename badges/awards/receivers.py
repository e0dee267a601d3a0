"""Collect badges when an address is proven: at sign-up or on verification.

A claim link's own badge is collected by `views.claim_finish`, where the sign-in started from it lands.
"""

from allauth.account.signals import email_confirmed, user_signed_up
from django.dispatch import receiver

from .services import awards_attach_for_email


@receiver(email_confirmed)
def attach_awards_on_confirmation(sender, request, email_address, **kwargs):
    awards_attach_for_email(user=email_address.user, email=email_address.email)


@receiver(user_signed_up)
def attach_awards_on_signup(sender, request, user, **kwargs):
    # An address verified at sign-up (through a claim link) sends no email_confirmed signal.
    for address in user.emailaddress_set.filter(verified=True):
        awards_attach_for_email(user=user, email=address.email)
