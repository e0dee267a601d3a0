"""allauth's sign-up form, made safe for two sign-ups with one address at once (ACCOUNT_FORMS["signup"]).

It lives apart from forms.py because allauth's forms module imports `forms.SignupForm` (our extra fields,
ACCOUNT_SIGNUP_FORM_CLASS) while it loads: importing allauth's forms from there would be circular.
"""

from allauth.account import forms as allauth_forms
from django.db import IntegrityError, transaction


class SignupForm(allauth_forms.SignupForm):
    def try_save(self, request):
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            # Another sign-up with this address committed after this form found it free. Answer as allauth
            # answers any sign-up for an address that has an account (ACCOUNT_PREVENT_ENUMERATION): "check
            # your email", and the address gets a note that it already has an account. An error on the form
            # would tell whoever typed the address that it has an account.
            self.account_already_exists = True
            return super().try_save(request)
