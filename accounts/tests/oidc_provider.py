"""A small OpenID Connect provider for tests, served on a free loopback port.

It publishes its discovery document and JWKS; `/authorize` sends the browser straight back with a code
for the person the test chose (`sign_in_as`), `/token` trades that code once for an access token and an
RS256 ID token signed with a key made for the run, and `/userinfo` answers for the access token. Client
credentials, the redirect address and PKCE are checked as a real provider would.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "test-key-1"


class OpenIDProvider:
    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.identity = None
        self.clients = {}
        self.codes = {}
        self.access_tokens = {}
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info):
        self.server.shutdown()
        self.server.server_close()

    def app(self, provider_id, name, **app_settings):
        """Register a client and give its entry for allauth's `SOCIALACCOUNT_PROVIDERS` pointing here.

        Each app gets its own client id, as real providers give: allauth finds an app by its client id.
        """
        client_id = f"badgeportal-{provider_id}"
        self.clients[client_id] = secrets.token_urlsafe(16)
        return {
            "provider_id": provider_id,
            "name": name,
            "client_id": client_id,
            "secret": self.clients[client_id],
            "settings": {"server_url": self.url, **app_settings},
        }

    def sign_in_as(self, email, *, verified, name="Lin Park", sub=None):
        """The person who signs in next, with what the provider says about their address."""
        self.identity = {"sub": sub or f"user-{email}", "email": email, "email_verified": verified, "name": name}

    def discovery(self):
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self):
        key = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**key, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query):
        if query.get("client_id") not in self.clients or query.get("response_type") != "code" or self.identity is None:
            return None
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"claims": self.identity, **query}
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query.get('state', '')})}"

    def token(self, form, authorization):
        client_id, secret = _client_credentials(form, authorization)
        grant = self.codes.pop(form.get("code"), None)  # a code works once
        if grant is None or client_id != grant["client_id"] or secret != self.clients[client_id]:
            return None
        if form.get("redirect_uri") != grant["redirect_uri"] or not _pkce_holds(grant, form.get("code_verifier")):
            return None
        now = int(time.time())
        claims = {**grant["claims"], "iss": self.url, "aud": client_id, "iat": now, "exp": now + 300}
        if "nonce" in grant:
            claims["nonce"] = grant["nonce"]
        access_token = secrets.token_urlsafe(16)
        self.access_tokens[access_token] = grant["claims"]
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KEY_ID})
        return {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}


def _client_credentials(form, authorization):
    if authorization.startswith("Basic "):
        client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
        return client_id, secret
    return form.get("client_id"), form.get("client_secret")


def _pkce_holds(grant, verifier):
    if "code_challenge" not in grant:
        return True
    digest = hashlib.sha256((verifier or "").encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == grant["code_challenge"]


def _handler_for(provider):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            url = urlsplit(self.path)
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if url.path == "/.well-known/openid-configuration":
                self._json(provider.discovery())
            elif url.path == "/jwks":
                self._json(provider.jwks())
            elif url.path == "/authorize" and (location := provider.authorize(query)):
                self._redirect(location)
            elif url.path == "/userinfo" and token in provider.access_tokens:
                self._json(provider.access_tokens[token])
            else:
                self._json({"error": "invalid_request"}, 400)

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
            form = {name: values[0] for name, values in parse_qs(body).items()}
            tokens = provider.token(form, self.headers.get("Authorization", "")) if self.path == "/token" else None
            if tokens:
                self._json(tokens)
            else:
                self._json({"error": "invalid_grant"}, 400)

        def _json(self, data, status=200):
            payload = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _redirect(self, location):
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass  # keep the test output for failures

    return Handler
