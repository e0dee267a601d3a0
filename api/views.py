from django.utils import timezone
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from badges.awards.bulk import award_item_build, awards_issue_many
from badges.awards.services import award_issue, award_replace_email, award_resend, award_revoke
from badges.models import AwardState

from . import docs
from .idempotency import idempotent
from .pagination import keyset_page
from .problems import UnprocessableContent, flatten
from .selectors import issuer_award_or_404, issuer_awards, issuer_templates, issuer_templates_by_slug
from .serializers import (
    AwardBatchSerializer,
    AwardIssueSerializer,
    AwardSerializer,
    BatchItemSerializer,
    ReplaceEmailSerializer,
    RevokeSerializer,
    TemplateSerializer,
)

READ, WRITE, TEMPLATES = "awards:read", "awards:write", "templates:read"


class ApiView(APIView):
    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        rate_limit = getattr(request, "rate_limit", None)
        if rate_limit is not None:
            for name, value in rate_limit.headers().items():
                response[name] = value
        return response


def _issuer(request):
    return request.user.issuer


def _valid(serializer_class, request, **context):
    serializer = serializer_class(data=request.data, context=context)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _issue_kwargs(data):
    return {
        "template": data["template"],
        "email": data["email"],
        "name": data["name"],
        "issued_on": data.get("issued_on"),
        "expires_on": data.get("expires_on"),
        "external_id": data.get("external_id", ""),
        "evidence_url": data.get("evidence_url", ""),
        "send_email": data["send_email"],
    }


class TemplateList(ApiView):
    required_scopes = {"GET": TEMPLATES}

    @docs.template_list
    def get(self, request):
        templates, next_url = keyset_page(request, issuer_templates(_issuer(request)))
        return Response({"next": next_url, "results": TemplateSerializer(templates, many=True).data})


class AwardListCreate(ApiView):
    required_scopes = {"GET": READ, "POST": WRITE}

    @docs.award_list
    def get(self, request):
        awards = issuer_awards(_issuer(request)).filter(**_list_filters(request.query_params))
        awards, next_url = keyset_page(request, awards, by_time="updated_at")
        return Response({"next": next_url, "results": AwardSerializer(awards, many=True).data})

    @docs.award_issue
    def post(self, request):
        def work():
            slug = request.data.get("template") if isinstance(request.data, dict) else None
            templates = issuer_templates_by_slug(_issuer(request), [slug] if isinstance(slug, str) else [])
            data = _valid(AwardIssueSerializer, request, templates=templates)
            award = award_issue(**_issue_kwargs(data))
            return Response(AwardSerializer(award).data, status=status.HTTP_201_CREATED)

        return idempotent(request, work)


class ListFilters(serializers.Serializer):
    template = serializers.SlugField(required=False, max_length=255)
    state = serializers.ChoiceField(choices=AwardState.choices, required=False)
    updated_since = serializers.DateTimeField(required=False)
    external_id = serializers.CharField(required=False, max_length=100)


def _list_filters(query_params):
    serializer = ListFilters(data={key: query_params[key] for key in ListFilters().fields if key in query_params})
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    lookups = {"template__slug": data.get("template"), "state": data.get("state"),
               "updated_at__gte": data.get("updated_since"), "external_id": data.get("external_id")}  # fmt: skip
    return {lookup: value for lookup, value in lookups.items() if value is not None}


class AwardBatch(ApiView):
    required_scopes = {"POST": WRITE}

    @docs.award_batch
    def post(self, request):
        return idempotent(request, lambda: _batch(request))


def _batch(request):
    batch = _valid(AwardBatchSerializer, request)
    items = batch["items"]
    slugs = {item.get("template") for item in items if isinstance(item, dict)}
    templates = issuer_templates_by_slug(_issuer(request), [slug for slug in slugs if isinstance(slug, str)])
    checked, invalid = [], {}
    # One serializer checks every item: building its fields costs more than checking an item.
    item_serializer = BatchItemSerializer(context={"templates": templates})
    for index, item in enumerate(items):
        try:
            checked.append(_award_item(index, item_serializer.run_validation(item)))
        except serializers.ValidationError as error:
            invalid[index] = flatten(error.detail)
    if batch["atomic"] and invalid:
        raise UnprocessableContent({"items": {index: _drf_errors(errors) for index, errors in invalid.items()}})
    # The import's bulk service: a fixed number of queries per 1,000 awards, one transaction.
    issued = awards_issue_many(items=checked, send_email=batch["send_email"], duplicates=batch["duplicates"])
    skipped = {item.ref for item in issued.skipped}
    created_refs = [item.ref for item in checked if item.ref not in skipped]
    awards = issuer_awards(_issuer(request)).in_bulk(issued.created_ids)
    results = [{"index": index, "status": "invalid", "errors": errors} for index, errors in invalid.items()]
    results += [{"index": index, "status": "skipped"} for index in skipped]
    results += [{"index": index, "status": "created", "award": AwardSerializer(awards[pk]).data}
                for index, pk in zip(created_refs, issued.created_ids, strict=True)]  # fmt: skip
    results.sort(key=lambda result: result["index"])
    return Response({"created": issued.created, "skipped": len(skipped), "invalid": len(invalid), "results": results})


def _award_item(index, data):
    return award_item_build(
        template=data["template"],
        email=data["email"],
        name=data["name"],
        issued_on=data.get("issued_on") or timezone.localdate(),
        expires_on=data.get("expires_on"),
        external_id=data.get("external_id", ""),
        evidence_url=data.get("evidence_url", ""),
        ref=index,
    )


def _drf_errors(errors):
    """Flattened errors back into DRF's shape for one item, so the problem lists them as `items.<index>.<field>`."""
    by_field = {}
    for error in errors:
        detail = serializers.ErrorDetail(error["message"], code=error["code"])
        by_field.setdefault(error["field"] or "non_field_errors", []).append(detail)
    return by_field


class AwardDetail(ApiView):
    required_scopes = {"GET": READ}

    @docs.award_get
    def get(self, request, public_id):
        return Response(AwardSerializer(issuer_award_or_404(_issuer(request), public_id)).data)


class AwardRevoke(ApiView):
    required_scopes = {"POST": WRITE}

    @docs.award_revoke
    def post(self, request, public_id):
        def work():
            award = issuer_award_or_404(_issuer(request), public_id)
            data = _valid(RevokeSerializer, request)
            return Response(AwardSerializer(award_revoke(award=award, reason=data["reason"])).data)

        return idempotent(request, work)


class AwardReplaceEmail(ApiView):
    required_scopes = {"POST": WRITE}

    @docs.award_replace_email
    def post(self, request, public_id):
        def work():
            award = issuer_award_or_404(_issuer(request), public_id)
            data = _valid(ReplaceEmailSerializer, request)
            return Response(AwardSerializer(award_replace_email(award=award, email=data["email"])).data)

        return idempotent(request, work)


class AwardResend(ApiView):
    required_scopes = {"POST": WRITE}

    @docs.award_resend
    def post(self, request, public_id):
        def work():
            award = issuer_award_or_404(_issuer(request), public_id)
            award_resend(award=award)
            return Response(AwardSerializer(award).data, status=status.HTTP_202_ACCEPTED)

        return idempotent(request, work)
