"""Fetch a document from another issuer's site without letting anyone aim this server at its own network.

A verify request names the address, so it could name the cloud metadata service, the database or an admin
page on the local network. Only http and https are fetched; the host is resolved once and every address it
resolves to must be public before we connect, and we connect to that checked address, so a second DNS answer
cannot slip a private one in. Redirects are followed by hand, each through the same check. One deadline
covers the lookup, connecting, TLS, redirects and the body: at the deadline the socket is shut, so a server
that trickles bytes cannot hold a worker. The body is cut at a size cap.

VERIFY_FETCH_ALLOW_PRIVATE lists the private `address:port` pairs that may be fetched all the same: an issuer
on the operator's own network, or the fake issuer a test serves on 127.0.0.1.
"""

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

from django.conf import settings

REDIRECTS = {301, 302, 303, 307, 308}
MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024
HEADERS = {"Accept": "application/ld+json, application/json", "User-Agent": "badgeportal-verifier"}
# getaddrinfo() takes no timeout; a lookup that outlives the deadline is left to finish in this pool.
_lookups = ThreadPoolExecutor(max_workers=4, thread_name_prefix="verify-dns")


class FetchError(Exception):
    """No usable answer; the message says why in plain words."""


class _Deadline:
    """One time limit for a whole fetch; at the limit the socket being read is shut, which ends any read."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.sock = None
        self.timer = None

    def expired(self):
        return FetchError(f"The site did not answer within {self.seconds:g} seconds.")

    def remaining(self):
        left = self.at - time.monotonic()
        if left <= 0:
            raise self.expired()
        return left

    def watch(self, sock):
        """Shut `sock` at the limit; a TLS socket then takes the place of the TCP socket it wraps."""
        self.sock = sock
        if self.timer is None:
            self.timer = threading.Timer(self.remaining(), self._shut)
            self.timer.daemon = True
            self.timer.start()

    def release(self):
        if self.timer is not None:
            self.timer.cancel()
        self.sock = self.timer = None

    def _shut(self):
        with contextlib.suppress(AttributeError, OSError, ValueError):  # already closed
            self.sock.shutdown(socket.SHUT_RDWR)


def fetch(url):
    """(status, body) of `url`, following up to MAX_REDIRECTS redirects; FetchError when there is no answer."""
    deadline = _Deadline(settings.VERIFY_FETCH_TIMEOUT)
    for _ in range(MAX_REDIRECTS + 1):
        status, location, body = _get(url, deadline)
        if location is None:
            return status, body
        url = urljoin(url, location)
    raise FetchError("The site redirected too many times.")


def _get(url, deadline):
    """(status, redirect location or None, body) of one GET."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port out of range, an unclosed IPv6 bracket
        raise FetchError(f"{url} is not a valid address.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{url} is not an http or https address.")
    address = _checked_address(parts.hostname, port, deadline)
    https = parts.scheme == "https"
    connection = (http.client.HTTPSConnection if https else http.client.HTTPConnection)(parts.hostname, parts.port)
    response = None
    try:
        connection.sock = socket.create_connection((address, port), timeout=deadline.remaining())
        deadline.watch(connection.sock)
        if https:
            # The certificate is checked against the host name, though we connected to its checked address.
            connection.sock = ssl.create_default_context().wrap_socket(
                connection.sock, server_hostname=parts.hostname, do_handshake_on_connect=False
            )
            deadline.watch(connection.sock)
            connection.sock.do_handshake()
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", target, headers=HEADERS)
        response = connection.getresponse()
        location = response.getheader("Location")
        if response.status in REDIRECTS and location:
            return response.status, location, b""
        body = _read_capped(response)
        deadline.remaining()  # a body the deadline cut short is no answer
        return response.status, None, body
    except (OSError, ValueError, http.client.HTTPException) as error:
        deadline.remaining()
        raise FetchError(f"The site did not answer ({error}).") from None
    finally:
        deadline.release()
        if response is not None:
            response.close()  # it holds the socket once the server said it would close the connection
        connection.close()


def _read_capped(response):
    limit = settings.VERIFY_FETCH_MAX_BYTES
    too_big = FetchError(f"The site answered with more than {limit // 1024} KB; a badge's data is much smaller.")
    if int(response.getheader("Content-Length") or 0) > limit:
        raise too_big
    body = bytearray()
    while chunk := response.read1(CHUNK_BYTES):
        body += chunk
        if len(body) > limit:
            raise too_big
    return bytes(body)


def _checked_address(host, port, deadline):
    """The address to connect to, once every address `host` resolves to is found public."""
    future = _lookups.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        addresses = [info[4][0] for info in future.result(timeout=deadline.remaining())]
    except TimeoutError:  # the lookup outlived the deadline
        raise deadline.expired() from None
    except OSError:
        raise FetchError(f"{host} cannot be found.") from None
    if not all(_may_connect(address, port) for address in addresses):
        raise FetchError(f"{host} is a private or local address; badges are only fetched from public sites.")
    return addresses[0]


def _may_connect(address, port):
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # an IPv6 address may carry a zone
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_global and not ip.is_multicast:
        return True
    return (f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}") in settings.VERIFY_FETCH_ALLOW_PRIVATE
