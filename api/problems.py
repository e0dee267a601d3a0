"""Every error under /api/ is an RFC 9457 problem: `application/problem+json` with type, title, status,
detail, and `errors`, a list of {field, code, message} (field null when the error is not about one field)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response

CONTENT_TYPE = "application/problem+json"
TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    429: "Too many requests",
    500: "Internal server error",
}


def problem(status_code, *, code, detail, errors=None):
    """The problem document (a dict)."""
    return {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "code": code,
        "detail": detail,
        "errors": errors or [],
    }


def problem_response(status_code, *, code, detail, errors=None, headers=None):
    return Response(problem(status_code, code=code, detail=detail, errors=errors), status=status_code,
                    content_type=CONTENT_TYPE, headers=headers)  # fmt: skip


def problem_json_response(status_code, *, code, detail):
    """For answers given outside DRF (middleware, unknown URLs)."""
    return JsonResponse(problem(status_code, code=code, detail=detail), status=status_code, content_type=CONTENT_TYPE)


def flatten(detail, field=None):
    """DRF's nested error detail as [{field, code, message}], fields as dotted paths (`items.3.email`)."""
    if isinstance(detail, dict):
        return [
            error
            for key, value in detail.items()
            for error in flatten(value, None if key == "non_field_errors" else _join(field, key))
        ]
    if isinstance(detail, list):
        if all(isinstance(item, str) for item in detail):
            return [_error(field, item) for item in detail]
        return [error for index, item in enumerate(detail) for error in flatten(item, _join(field, index))]
    return [_error(field, detail)]


def _join(field, key):
    return f"{field}.{key}" if field is not None else str(key)


def _error(field, message):
    return {"field": field, "code": getattr(message, "code", "invalid"), "message": str(message)}


class UnprocessableContent(exceptions.ValidationError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.messages, code=exc.code)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 handling, logged with its traceback
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    status_code = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        # Well-formed JSON that breaks a rule: 422 (RFC 9110). Malformed JSON is a ParseError, 400.
        status_code = 422 if exc.status_code == 400 else exc.status_code
        errors = flatten(exc.detail)
        detail = "The request has errors; see `errors`."
        code = "invalid"
    else:
        errors = []
        detail = str(exc.detail)
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else exc.default_code
    return problem_response(status_code, code=code, detail=detail, errors=errors, headers=headers)
