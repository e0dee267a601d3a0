import json
import uuid

import pytest

from api.services import api_key_create
from badges.tests.factories import BadgeTemplateFactory, IssuerFactory

ALL_SCOPES = ["awards:write", "awards:read", "templates:read"]


class Api:
    """A client for the API with one key: JSON in, the parsed answer out; a fresh Idempotency-Key per POST."""

    def __init__(self, client, raw_key):
        self.client = client
        self.raw_key = raw_key

    def headers(self, idempotency_key=None, key=None):
        headers = {}
        key = self.raw_key if key is None else key
        if key:
            headers["Authorization"] = f"Bearer {key}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        return headers

    def get(self, path, params=None, **kwargs):
        return self.client.get(path, params or {}, headers=self.headers(**kwargs))

    def post(self, path, data=None, *, idempotency_key="new", raw=None, content_type="application/json", **kwargs):
        if idempotency_key == "new":
            idempotency_key = uuid.uuid4().hex
        body = raw if raw is not None else json.dumps(data if data is not None else {})
        return self.client.post(
            path, body, content_type=content_type, headers=self.headers(idempotency_key=idempotency_key, **kwargs)
        )


@pytest.fixture
def issuer(db):
    return IssuerFactory()


@pytest.fixture
def other_issuer(db):
    return IssuerFactory(slug="fabrikam", name="Fabrikam Academy")


@pytest.fixture
def template(issuer):
    return BadgeTemplateFactory(issuer=issuer, slug="azure-fundamentals", certification__slug="azure-fundamentals")


@pytest.fixture
def make_api(client, issuer):
    def make(scopes=ALL_SCOPES, for_issuer=None):
        _, raw_key = api_key_create(issuer=for_issuer or issuer, name="exam system", scopes=scopes)
        return Api(client, raw_key)

    return make


@pytest.fixture
def api(make_api):
    return make_api()


def issue_body(template, **fields):
    return {"template": template.slug, "email": "ada@example.com", "name": "Ada Lovelace", **fields}
