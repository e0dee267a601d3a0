from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from badgeportal.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self):
        return settings.DEFAULT_FROM_EMAIL

    def get_client_ip(self, request):
        return client_ip(request)
