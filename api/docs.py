"""The OpenAPI description of each operation, with the examples the tests send (api/tests/test_schema.py)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema

from .serializers import (
    AwardBatchSerializer,
    AwardIssueSerializer,
    AwardPageSerializer,
    AwardSerializer,
    BatchResultSerializer,
    ProblemSerializer,
    ReplaceEmailSerializer,
    RevokeSerializer,
    TemplatePageSerializer,
)

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="A unique string (up to 255 characters) per request. Sending the same key with the same body "
    "again returns the first answer (`Idempotent-Replayed: true`); with another body, 422. Kept 24 hours.",
)
PAGING = [
    OpenApiParameter("cursor", OpenApiTypes.STR, description="The `next` link's cursor; omit for the first page."),
    OpenApiParameter("limit", OpenApiTypes.INT, description="Rows per page, 1 to 200 (default 50)."),
]
AWARD_ID = OpenApiParameter("public_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The award's id.")


def problem(description):
    return OpenApiResponse(ProblemSerializer, description=description)


COMMON = {
    401: problem("No API key, or one that is unknown or revoked."),
    403: problem("The key lacks the scope this operation needs (`insufficient_scope`)."),
    429: problem("Over the rate limit: wait `Retry-After` seconds."),
}
POST_COMMON = {
    **COMMON,
    400: problem("Malformed JSON, or no Idempotency-Key."),
    409: problem("A request with this Idempotency-Key is still running."),
    413: problem("The body is over the size cap."),
    415: problem("The body is not `application/json`."),
}

ISSUE_EXAMPLE = {
    "template": "azure-fundamentals",
    "email": "ada@example.com",
    "name": "Ada Lovelace",
    "external_id": "CAND-1815",
}

template_list = extend_schema(
    operation_id="templates_list",
    summary="List your badge templates",
    tags=["templates"],
    parameters=PAGING,
    responses={200: TemplatePageSerializer, **COMMON},
)

award_list = extend_schema(
    operation_id="awards_list",
    summary="List awards, oldest change first",
    description="Ordered by last change (`updated_at`), then id. Poll with `updated_since` to mirror changes; "
    "awards inserted while you page arrive after the ones you have not seen yet, never in between.",
    tags=["awards"],
    parameters=[
        *PAGING,
        OpenApiParameter("template", OpenApiTypes.STR, description="A template slug."),
        OpenApiParameter("state", OpenApiTypes.STR, enum=["pending", "accepted", "declined"]),
        OpenApiParameter("updated_since", OpenApiTypes.DATETIME, description="Changed at or after this time."),
        OpenApiParameter("external_id", OpenApiTypes.STR, description="The program's earner id."),
    ],
    responses={200: AwardPageSerializer, 422: problem("A filter is not valid."), **COMMON},
)

award_issue = extend_schema(
    operation_id="awards_issue",
    summary="Issue one award",
    description="The claim email goes to the earner unless `send_email` is false.",
    tags=["awards"],
    parameters=[IDEMPOTENCY_KEY],
    request=AwardIssueSerializer,
    responses={201: AwardSerializer, 422: problem("A field is not valid; see `errors`."), **POST_COMMON},
    examples=[
        OpenApiExample("Issue an award", value=ISSUE_EXAMPLE, request_only=True),
        OpenApiExample(
            "An unknown template",
            value={
                "type": "about:blank",
                "title": "Unprocessable content",
                "status": 422,
                "code": "invalid",
                "detail": "The request has errors; see `errors`.",
                "errors": [
                    {
                        "field": "template",
                        "code": "unknown_template",
                        "message": "You have no badge template with this slug.",
                    }
                ],
            },
            response_only=True,
            status_codes=["422"],
        ),
    ],  # fmt: skip
)

award_batch = extend_schema(
    operation_id="awards_issue_batch",
    summary="Issue up to 1,000 awards",
    description="Each item is checked and reported by its index. The valid ones are created together; with "
    "`atomic: true`, any invalid item makes the whole batch fail (422, errors at `items.<index>.<field>`) and "
    "none is created.",
    tags=["awards"],
    parameters=[IDEMPOTENCY_KEY],
    request=AwardBatchSerializer,
    responses={200: BatchResultSerializer, 422: problem("`atomic` was true and an item is invalid."), **POST_COMMON},
    examples=[
        OpenApiExample(
            "Two awards, one invalid",
            value={"atomic": False, "items": [ISSUE_EXAMPLE, {**ISSUE_EXAMPLE, "email": "not-an-address"}]},
            request_only=True,
        ),
    ],
)

award_get = extend_schema(
    operation_id="awards_get",
    summary="Get an award",
    tags=["awards"],
    parameters=[AWARD_ID],
    responses={200: AwardSerializer, 404: problem("No award of yours has this id."), **COMMON},
)

award_revoke = extend_schema(
    operation_id="awards_revoke",
    summary="Revoke an award",
    tags=["awards"],
    parameters=[AWARD_ID, IDEMPOTENCY_KEY],
    request=RevokeSerializer,
    responses={
        200: AwardSerializer,
        404: problem("No award of yours has this id."),
        422: problem("No reason, or the award is already revoked."),
        **POST_COMMON,
    },  # fmt: skip
    examples=[OpenApiExample("Revoke", value={"reason": "Exam result annulled."}, request_only=True)],
)

award_replace_email = extend_schema(
    operation_id="awards_replace_email",
    summary="Send a pending award to another address",
    description="Links already sent to the old address stop working; a claim email goes to the new one.",
    tags=["awards"],
    parameters=[AWARD_ID, IDEMPOTENCY_KEY],
    request=ReplaceEmailSerializer,
    responses={
        200: AwardSerializer,
        404: problem("No award of yours has this id."),
        422: problem("Not an address, or the award is no longer pending."),
        **POST_COMMON,
    },  # fmt: skip
    examples=[OpenApiExample("New address", value={"email": "ada.lovelace@example.org"}, request_only=True)],
)

award_resend = extend_schema(
    operation_id="awards_resend",
    summary="Send the claim email again",
    tags=["awards"],
    parameters=[AWARD_ID, IDEMPOTENCY_KEY],
    request=None,
    responses={
        202: AwardSerializer,
        404: problem("No award of yours has this id."),
        422: problem("The award is no longer pending."),
        **POST_COMMON,
    },  # fmt: skip
)
