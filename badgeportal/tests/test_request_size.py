import socket
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

HUGE = 300 * 1024 * 1024


@pytest.mark.django_db
def test_a_body_over_the_cap_is_refused_with_a_clear_page(client, settings):
    response = client.post(reverse("verify"), {"token": "x"}, CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1))

    assert response.status_code == 413
    assert b"We accept at most 3 MB in one request" in response.content
    assert response.templates[0].name == "413.html"


def test_a_huge_upload_is_answered_before_its_body_is_sent(live_server):
    """Announce 300 MB, send a little of it: the 413 must come back at once, not after the server read it all."""
    address = urlsplit(live_server.url)
    head = (
        "POST /verify/ HTTP/1.1\r\n"
        f"Host: {address.hostname}\r\n"
        # Any well-formed CSRF cookie makes the CSRF check read the form for its token: the whole body.
        f"Cookie: csrftoken={'a' * 32}\r\n"
        "Content-Type: multipart/form-data; boundary=xyz\r\n"
        f"Content-Length: {HUGE}\r\n\r\n"
        '--xyz\r\nContent-Disposition: form-data; name="image"; filename="big.png"\r\n\r\n'
    ).encode()
    with socket.create_connection((address.hostname, address.port), timeout=5) as connection:
        connection.sendall(head + b"\x00" * 64 * 1024)

        status_line = connection.recv(1024).split(b"\r\n", 1)[0]

    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"
