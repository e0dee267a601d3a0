from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings

# A name the site already knows for the person about to sign up (a claimed badge carries one).
SIGNUP_NAME_SESSION_KEY = "account_signup_full_name"


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    def stash_signup_name(self, request, full_name):
        """Fill in the sign-up form's name, as allauth's `stash_verified_email` fills in the address; the
        person can still change it. It goes with the sign-up, or with the session at sign-out."""
        request.session[SIGNUP_NAME_SESSION_KEY] = full_name

    def unstash_signup_name(self, request):
        return request.session.pop(SIGNUP_NAME_SESSION_KEY, None)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        # The name the provider knows goes on the badges until the earner changes it on their profile.
        name = data.get("name") or " ".join(filter(None, [data.get("first_name"), data.get("last_name")]))
        user.full_name = (name or "").strip()[:200]
        return user
