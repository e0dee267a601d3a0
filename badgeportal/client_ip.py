"""The address of the client a request came from, the one key every rate limit counts by.

Behind `TRUSTED_PROXY_COUNT` proxies, each proxy appends the address it received the request
from to `X-Forwarded-For`, so the entry that many places from the right was written by our
first proxy and names the client. Entries further left come from the client itself and can
say anything, so they never choose a rate-limit bucket.
"""

import ipaddress

from django.conf import settings


def client_ip(request):
    remote_addr = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        # The request skipped a proxy we expect; its own address is the only one we can vouch for.
        return remote_addr
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote_addr
