"""Another issuer's site, served on 127.0.0.1: its hosted Open Badges 2.0 documents, and the ways a site can
misbehave that a verifier must survive (an answer that trickles, one that never ends, a redirect)."""

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from badges.openbadges import ob2

CONTEXT = "https://w3id.org/openbadges/v2"


class FakeIssuer:
    def __init__(self):
        self.routes = {}
        self.requests = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                site.requests.append(self.path)
                answer = site.routes.get(self.path, _json(404, {"error": "not_found"}))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the verifier hung up, as the
                    answer(self)  # timeout and size tests want

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.url = f"http://{self.address}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def json(self, path, data, status=200):
        self.routes[path] = _json(status, data)
        return self.url + path

    def redirect(self, path, location):
        def answer(handler):
            handler.send_response(302)
            handler.send_header("Location", location)
            handler.send_header("Content-Length", "0")
            handler.end_headers()

        self.routes[path] = answer
        return self.url + path

    def trickle(self, path, *, every):
        """Promise a small JSON body, then send one byte of it every `every` seconds."""

        def answer(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "1000")
            handler.end_headers()
            for _ in range(1000):
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(every)

        self.routes[path] = answer
        return self.url + path

    def endless(self, path):
        """A body with no length that goes on until the reader hangs up."""

        def answer(handler):
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.end_headers()
            chunk = b"[" + b"0," * 32 * 1024
            while True:
                handler.wfile.write(chunk)

        self.routes[path] = answer
        return self.url + path

    def hosted_badge(self, email, salt="pepper"):
        """Publish an assertion for `email`, its badge class and its issuer; return the assertion's URL."""
        self.json(
            "/issuer",
            {"@context": CONTEXT, "type": "Issuer", "id": f"{self.url}/issuer", "name": "Fabrikam Academy",
             "url": "https://fabrikam.example", "email": "badges@fabrikam.example"},
        )  # fmt: skip
        self.json(
            "/badge",
            {"@context": CONTEXT, "type": "BadgeClass", "id": f"{self.url}/badge", "name": "Fabrikam Data Steward",
             "description": "Looks after data.", "criteria": {"narrative": "Pass the exam."},
             "issuer": f"{self.url}/issuer"},
        )  # fmt: skip
        return self.json(
            "/assertions/1",
            {"@context": CONTEXT, "type": "Assertion", "id": f"{self.url}/assertions/1", "badge": f"{self.url}/badge",
             "recipient": {"type": "email", "hashed": True, "salt": salt,
                           "identity": ob2.recipient_identity(email, salt)},
             "issuedOn": "2025-01-01T00:00:00+00:00", "verification": {"type": "HostedBadge"}},
        )  # fmt: skip


def _json(status, data):
    body = json.dumps(data).encode()

    def answer(handler):
        handler.send_response(status)
        handler.send_header("Content-Type", "application/ld+json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return answer
