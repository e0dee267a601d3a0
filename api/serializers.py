from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from badges.awards.services import (
    normalize_email,
    normalize_evidence_url,
    normalize_external_id,
    normalize_recipient_name,
)
from badges.models import Award, AwardState, AwardStatus, DuplicatePolicy
from webhooks.payloads import award_document


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know (a misspelt `exernal_id` must not vanish silently) and text fields sent
    as numbers or booleans (DRF would turn 17 into "17")."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            problems = {name: ("Unknown field.", "unknown_field") for name in data if name not in self.fields}
            problems |= {
                name: ("Must be a string.", "invalid")
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField) and name in data
                and data[name] is not None and not isinstance(data[name], str)
            }  # fmt: skip
            if problems:
                raise serializers.ValidationError(
                    {name: [serializers.ErrorDetail(message, code=code)] for name, (message, code) in problems.items()}
                )
        return super().to_internal_value(data)


def _service_rule(normalize, value):
    """Run one of the award services' own normalisers, so the API applies exactly their rules."""
    try:
        return normalize(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages, code=error.code) from None


class TemplateSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    description = serializers.CharField()
    validity_months = serializers.IntegerField(allow_null=True, help_text="Months an award is valid; null: forever.")
    is_retired = serializers.BooleanField()


class AwardSerializer(serializers.Serializer):
    """What the API and webhooks say about an award (`webhooks.payloads.award_document`). Never the claim token."""

    id = serializers.UUIDField(help_text="The award's public id, used in every URL.")
    template = serializers.SlugField()
    state = serializers.ChoiceField(choices=AwardState.choices, help_text="The earner's choice.")
    status = serializers.ChoiceField(choices=AwardStatus.choices, help_text="What verifiers are told.")
    recipient_email = serializers.EmailField()
    recipient_name = serializers.CharField()
    external_id = serializers.CharField(help_text="The program's own id for the earner.")
    evidence_url = serializers.CharField(help_text="A page showing the work behind the badge, or empty.")
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    public_url = serializers.URLField(help_text="The badge's public page (shown once the earner accepts it).")
    openbadges_v2_url = serializers.URLField(help_text="Open Badges 2.0 hosted assertion.")
    openbadges_v3_url = serializers.URLField(help_text="Open Badges 3.0 credential (VC-JWT).")

    def to_representation(self, instance):
        return award_document(instance)


class AwardIssueSerializer(StrictSerializer):
    template = serializers.SlugField(max_length=255, help_text="The slug of one of your badge templates.")
    email = serializers.CharField(max_length=Award._meta.get_field("recipient_email").max_length)
    name = serializers.CharField(max_length=Award._meta.get_field("recipient_name").max_length)
    issued_on = serializers.DateField(required=False, help_text="Default: today.")
    expires_on = serializers.DateField(
        required=False, allow_null=True, help_text="Default: from the template's validity."
    )
    external_id = serializers.CharField(
        max_length=Award._meta.get_field("external_id").max_length, required=False, allow_blank=True, default=""
    )
    evidence_url = serializers.CharField(
        max_length=Award._meta.get_field("evidence_url").max_length,
        required=False,
        allow_blank=True,
        default="",
        help_text="An http(s) page showing the work behind the badge; published in its Open Badges data.",
    )
    send_email = serializers.BooleanField(default=True, help_text="Email the claim link (default true).")

    def validate_template(self, slug):
        template = self.context["templates"].get(slug)
        if template is None:
            raise serializers.ValidationError("You have no badge template with this slug.", code="unknown_template")
        return template

    def validate_email(self, value):
        return _service_rule(normalize_email, value)

    def validate_name(self, value):
        return _service_rule(normalize_recipient_name, value)

    def validate_external_id(self, value):
        return _service_rule(normalize_external_id, value)

    def validate_evidence_url(self, value):
        return _service_rule(normalize_evidence_url, value)

    def validate(self, data):
        issued_on, expires_on = data.get("issued_on"), data.get("expires_on")
        if expires_on and issued_on and expires_on < issued_on:
            message = serializers.ErrorDetail("The expiry date is before the issue date.", code="expires_before_issue")
            raise serializers.ValidationError({"expires_on": [message]})
        return data


class BatchItemSerializer(AwardIssueSerializer):
    """One award of a batch: as POST /awards, with `send_email` given once for the batch."""

    send_email = None


class AwardBatchSerializer(StrictSerializer):
    items = serializers.ListField(
        child=serializers.JSONField(),
        min_length=1,
        max_length=settings.API_BATCH_MAX_ITEMS,
        help_text=f"Up to {settings.API_BATCH_MAX_ITEMS} awards, each shaped as in POST /awards.",
    )
    atomic = serializers.BooleanField(
        default=False, help_text="true: create every award or, if any item is invalid, none (422)."
    )
    send_email = serializers.BooleanField(default=True, help_text="Email each earner the claim link.")
    duplicates = serializers.ChoiceField(
        choices=DuplicatePolicy.choices,
        default=DuplicatePolicy.ALLOW,
        help_text="skip: leave out an item whose address already holds this badge (not revoked) or that repeats "
        "an earlier item; it is reported as `skipped`. allow (default): issue it again, as POST /awards does.",
    )


class BatchItemResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    status = serializers.ChoiceField(choices=["created", "skipped", "invalid"])
    award = AwardSerializer(required=False)
    errors = serializers.ListField(child=serializers.DictField(), required=False)


class BatchResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    skipped = serializers.IntegerField()
    invalid = serializers.IntegerField()
    results = BatchItemResultSerializer(many=True)


class RevokeSerializer(StrictSerializer):
    reason = serializers.CharField(max_length=1000, help_text="Why; shown to verifiers.")


class ReplaceEmailSerializer(StrictSerializer):
    email = serializers.CharField(max_length=Award._meta.get_field("recipient_email").max_length)

    def validate_email(self, value):
        return _service_rule(normalize_email, value)


class AwardPageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page, or null at the end.")
    results = AwardSerializer(many=True)


class TemplatePageSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    results = TemplateSerializer(many=True)


class ProblemErrorSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True, help_text="Dotted path of the field (`items.3.email`), or null.")
    code = serializers.CharField()
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = ProblemErrorSerializer(many=True)
