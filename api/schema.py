"""What the generated OpenAPI schema says beyond the views: the key, the limits and the error shape."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension

RATE_HEADERS = {
    "RateLimit-Limit": "Requests allowed per window for this key.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the window resets.",
    "RateLimit-Policy": "The limit and the window in seconds, as `limit;w=seconds`.",
}


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key from your platform's staff: `Authorization: Bearer bpk_…`.",
        }


def description():
    limit, window = settings.API_RATE_LIMIT, settings.API_RATE_WINDOW
    return f"""Issue badges from your exam or learning system and follow what happens to them.

**Authentication.** Every call sends an API key as `Authorization: Bearer bpk_…`. Staff create keys in the
admin, each for one issuer and with scopes: `awards:write`, `awards:read`, `templates:read`. A key sees only
its issuer's templates and awards; anything else answers 404.

**Rate limits.** {limit} requests per {window} seconds per key (a batch of up to
{settings.API_BATCH_MAX_ITEMS} awards is one request). Every answer carries `RateLimit-Limit`,
`RateLimit-Remaining`, `RateLimit-Reset` (seconds) and `RateLimit-Policy`; over the limit the answer is 429
with `Retry-After` (seconds).

**Idempotency.** Every POST needs an `Idempotency-Key` header. Sending the same key and body again returns
the first answer (with `Idempotent-Replayed: true`) without doing the work twice; the same key with another
body is refused (422, `idempotency_key_reused`). Keys are kept {settings.API_IDEMPOTENCY_HOURS} hours.
Only successful answers are kept: a refused request can be corrected and sent again with its key.

**Errors** are RFC 9457 problem details (`application/problem+json`): `type`, `title`, `status`, `code`,
`detail` and `errors`, a list of `{{field, code, message}}`. Malformed JSON: 400; no key: 401; a missing
scope: 403; unknown or another issuer's award: 404; a body over {settings.MAX_REQUEST_BYTES // (1024 * 1024)} MB:
413; not JSON: 415; a field that breaks a rule (wrong type, unknown field, too long, bad address): 422.

**Webhooks.** Staff register your endpoints; events are signed per Standard Webhooks (see the README)."""


def document_limits(result, generator, request, public):
    result["info"]["description"] = description()
    headers = result.setdefault("components", {}).setdefault("headers", {})
    for name, text in RATE_HEADERS.items():
        headers[name] = {"description": text, "schema": {"type": "integer" if name != "RateLimit-Policy" else "string"}}
    headers["Retry-After"] = {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}
    for methods in result.get("paths", {}).values():
        for operation in methods.values():
            if not operation.get("security"):
                continue
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if code[0] in "45" and "application/json" in content:
                    content["application/problem+json"] = content.pop("application/json")
                refs = {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_HEADERS}
                if code == "429":
                    refs["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
                response.setdefault("headers", {}).update(refs)
    return result
