"""A webhook receiver as an issuer's program would run one: a threaded HTTP server that checks each delivery's
Standard Webhooks signature with the `standardwebhooks` package, answers 204 (or 401 when it does not verify),
and keeps what it accepted. Stopped, its port refuses connections: the receiver is down."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


class Receiver:
    def __init__(self, secret=None, port=0):
        self.secret = secret
        self.accepted = []  # (webhook-id, payload) of each verified delivery, in order
        self.refused = 0
        self.status = 204
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/hooks/badges"

    @property
    def address(self):
        return f"127.0.0.1:{self.port}"

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def event_ids(self):
        return [event_id for event_id, _ in self.accepted]

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    payload = Webhook(receiver.secret).verify(body, dict(self.headers))
                except WebhookVerificationError:
                    receiver.refused += 1
                    self.send_response(401)
                else:
                    if receiver.status < 300:
                        receiver.accepted.append((self.headers["webhook-id"], payload))
                    self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler
