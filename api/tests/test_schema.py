"""The OpenAPI schema validates, the docs page loads only our own files, and every documented example is sent
to the API and answered as documented (its answer checked against the documented schema)."""

import json
import re

import pytest
from openapi_schema_validator import OAS30Validator, validate
from openapi_spec_validator import validate as validate_spec

from badges.tests.factories import AwardFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/v1/schema", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_schema_is_valid_openapi(schema):
    validate_spec(schema)
    assert set(schema["paths"]) == {
        "/api/v1/templates", "/api/v1/awards", "/api/v1/awards/batch", "/api/v1/awards/{public_id}",
        "/api/v1/awards/{public_id}/revoke", "/api/v1/awards/{public_id}/email", "/api/v1/awards/{public_id}/resend",
    }  # fmt: skip


def test_the_schema_documents_the_key_the_limits_and_idempotency(schema):
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    issue = schema["paths"]["/api/v1/awards"]["post"]
    assert set(issue["responses"]["429"]["headers"]) >= {"Retry-After", "RateLimit-Limit", "RateLimit-Remaining"}
    assert "RateLimit-Reset" in issue["responses"]["201"]["headers"]
    assert {"name": "Idempotency-Key", "in": "header"}.items() <= issue["parameters"][0].items()
    assert "600 requests per 60 seconds per key" in schema["info"]["description"]


def test_the_docs_page_loads_only_our_own_files(client):
    response = client.get("/api/v1/docs")

    page = response.text
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert all(link.startswith("/") for link in re.findall(r'(?:src|href)="([^"]*)"', page))
    assert "script-src 'self';" in response["Content-Security-Policy"]
    script = client.get("/api/v1/docs", {"script": ""})
    assert script.status_code == 200
    assert "/api/v1/schema" in script.text


def _documented_answer(schema, operation, status, body):
    documented = operation["responses"][str(status)]["content"]
    media = documented.get("application/json") or documented["application/problem+json"]
    validate(body, {"components": schema["components"], **media["schema"]}, cls=OAS30Validator)


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_request_example_is_answered_as_documented(api, template, schema):
    award = AwardFactory(template=template)
    sent = 0
    for path, _method, operation in _operations(schema):
        examples = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("examples", {})
        for example in examples.values():
            response = api.post(path.replace("{public_id}", str(award.public_id)), example["value"])
            success = min(code for code in operation["responses"] if code.startswith("2"))
            assert str(response.status_code) == success, (path, response.json())
            _documented_answer(schema, operation, response.status_code, response.json())
            sent += 1
    assert sent == 4  # issue, batch, revoke, new address


def test_every_response_example_is_what_the_api_answers(api, template, schema):
    issue = schema["paths"]["/api/v1/awards"]["post"]
    example = issue["responses"]["422"]["content"]["application/problem+json"]["examples"]["AnUnknownTemplate"]

    response = api.post("/api/v1/awards", {"template": "no-such-badge", "email": "a@example.com", "name": "Ada"})

    assert response.json() == example["value"]
    assert [
        name
        for _, _, operation in _operations(schema)
        for answer in operation["responses"].values()
        for media in answer.get("content", {}).values()
        for name in media.get("examples", {})
    ] == ["AnUnknownTemplate"], "a new response example needs a request here"


def test_each_read_answer_matches_its_schema(api, template, schema):
    award = AwardFactory(template=template)
    for path in ["/api/v1/templates", "/api/v1/awards", f"/api/v1/awards/{award.public_id}"]:
        response = api.get(path)
        template_path = path.replace(str(award.public_id), "{public_id}")
        _documented_answer(schema, schema["paths"][template_path]["get"], 200, response.json())


def test_problems_match_their_schema(api, schema):
    response = api.get("/api/v1/awards", {"state": "lost"})

    _documented_answer(schema, schema["paths"]["/api/v1/awards"]["get"], 422, response.json())


def test_the_docs_are_linked_from_every_page(client):
    assert 'href="/api/v1/docs">Issuer API</a>' in client.get("/").text
