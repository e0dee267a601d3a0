"""POST a webhook without letting an endpoint's URL aim this server at its own network.

An issuer's staff type the URL, and a URL can name the cloud metadata service, the database or an admin page
inside the network. So: https only (WEBHOOK_ALLOW_HTTP allows http, for development); the host is resolved
and every address it resolves to must be public, and we connect to that checked address, so a second DNS
answer (rebinding) cannot slip a private one in between the check and the connection. WEBHOOK_ALLOW_PRIVATE
lists the private `address:port` pairs allowed all the same (a receiver on the operator's own network, or
the one a test serves on 127.0.0.1). Redirects are not followed: a 3xx is a failed delivery.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urlsplit

from django.conf import settings

USER_AGENT = "badgeportal-webhooks"


class DeliveryError(Exception):
    """No answer from the endpoint; the message says why."""


class RefusedAddress(DeliveryError):
    """The URL is not one we may post to (scheme, private address)."""


def url_problem(url):
    """Why `url` may not be an endpoint (scheme, a literal private address), or None. The host's DNS answer is
    checked again at each delivery: it can change."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return "This is not a valid address."
    allowed = ("https", "http") if settings.WEBHOOK_ALLOW_HTTP else ("https",)
    if parts.scheme not in allowed or not parts.hostname:
        return "Webhook endpoints must be https:// addresses."
    try:
        ip = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return None  # a name: resolved and checked when posting
    if not _may_connect(str(ip), port):
        return "Webhooks are never sent to private, loopback or link-local addresses."
    return None


def post(url, *, body, headers, timeout):
    """POST `body`; return (status, latency in ms). Raises DeliveryError when there is no answer."""
    problem = url_problem(url)
    if problem:
        raise RefusedAddress(problem)
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = checked_address(parts.hostname, port)
    connection_class = http.client.HTTPSConnection if https else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    started = time.monotonic()
    try:
        connection.sock = socket.create_connection((address, port), timeout=timeout)
        if https:
            # The certificate is checked against the host name, though we connected to its checked address.
            connection.sock = ssl.create_default_context().wrap_socket(connection.sock, server_hostname=parts.hostname)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        request_headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT, **headers}
        connection.request("POST", target, body=body, headers=request_headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # the answer is not used; read a little so the server is not cut off mid-reply
        return response.status, round((time.monotonic() - started) * 1000)
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise DeliveryError(f"No answer: {error!r}") from None
    finally:
        connection.close()


def checked_address(host, port):
    """The address to connect to, once every address `host` resolves to is found public (or allowed)."""
    try:
        addresses = [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
    except OSError:
        raise DeliveryError(f"{host} cannot be found.") from None
    if not all(_may_connect(address, port) for address in addresses):
        raise RefusedAddress(
            f"{host} resolves to a private, loopback or link-local address; webhooks are not sent there."
        )
    return addresses[0]


def _may_connect(address, port):
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 address may carry a zone
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_global and not ip.is_multicast:
        return True
    return (f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}") in settings.WEBHOOK_ALLOW_PRIVATE
