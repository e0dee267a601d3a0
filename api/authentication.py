from rest_framework import authentication, exceptions

from .services import api_key_authenticate


class ApiClient:
    """Who calls: an issuer's program, through one API key (DRF's `request.user`; `request.auth` is the key)."""

    is_authenticated = True

    def __init__(self, api_key):
        self.api_key = api_key
        self.issuer = api_key.issuer


class ApiKeyAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer bpk_…`. A revoked or unknown key is refused (401), as is any other scheme."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _, raw_key = header.partition(" ")
        if scheme.lower() != self.keyword.lower() or not raw_key.strip():
            raise exceptions.AuthenticationFailed("Send the API key as “Authorization: Bearer <key>”.")
        api_key = api_key_authenticate(raw_key.strip())
        if api_key is None:
            raise exceptions.AuthenticationFailed("This API key is not valid, or has been revoked.")
        return ApiClient(api_key), api_key

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
