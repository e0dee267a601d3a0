from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.html import format_html

from .awards.services import (
    award_issue,
    award_replace_email,
    award_resend,
    award_revoke,
    normalize_recipient_name,
)
from .catalog.forms import BadgeTemplateAdminForm, CertificationAdminForm, ExamAdminForm
from .catalog.images import badge_image_renditions_make
from .imports import admin as imports_admin  # noqa: F401  (registers the award import pages)
from .models import Award, AwardState, BadgeTemplate, Certification, ClaimToken, Exam, Issuer, IssuerKey, ShareCount
from .openbadges.keys import issuer_key_rotate


@admin.register(Issuer)
class IssuerAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "email"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class ExamInline(admin.TabularInline):
    model = Exam.certifications.through
    extra = 0
    verbose_name = "exam"
    autocomplete_fields = ["exam"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    form = CertificationAdminForm
    list_display = ["name", "level", "program", "product", "status", "retired_on"]
    list_filter = ["status", "level", "program", "product"]
    search_fields = ["name", "exams__code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ExamInline]


@admin.register(Exam)
class ExamAdmin(admin.ModelAdmin):
    form = ExamAdminForm
    list_display = ["code", "title", "product", "status", "retired_on"]
    list_filter = ["status", "product"]
    search_fields = ["code", "title"]
    filter_horizontal = ["certifications"]


@admin.register(BadgeTemplate)
class BadgeTemplateAdmin(admin.ModelAdmin):
    form = BadgeTemplateAdminForm
    list_display = ["name", "issuer", "certification", "exam", "validity_months", "accepted_count"]
    list_filter = ["issuer", "certification__status", "certification__level"]
    search_fields = ["name", "slug", "exam__code", "certification__exams__code"]
    autocomplete_fields = ["certification", "exam"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["image_preview"]

    def get_queryset(self, request):
        accepted = Count("awards", filter=Award.objects.held_q("awards__"))
        return (
            super().get_queryset(request).select_related("issuer", "certification", "exam").annotate(accepted=accepted)
        )

    @admin.display(description="Accepted", ordering="accepted")
    def accepted_count(self, obj):
        return obj.accepted

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A new image gets its sized copies now; until then pages serve it whole.
        badge_image_renditions_make(template=obj)

    @admin.display(description="Current image")
    def image_preview(self, obj):
        if not obj.image:
            return "None yet: `manage.py generate_badge_images` draws one."
        return format_html('<img src="{}" alt="" width="150" height="150">', obj.image.url)


class AwardIssueForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = ["template", "recipient_email", "recipient_name", "issued_on", "expires_on"]
        help_texts = {"expires_on": "Leave empty to use the badge's validity period, if it has one."}

    def clean_recipient_name(self):
        return normalize_recipient_name(self.cleaned_data["recipient_name"])


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["recipient_name", "recipient_email", "template", "state", "issued_on", "expires_on", "revoked_at"]
    list_filter = [
        "state",
        ("revoked_at", admin.EmptyFieldListFilter),
        ("anonymised_at", admin.EmptyFieldListFilter),
        "template__issuer",
        "issued_on",
        ("award_import", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["recipient_email", "recipient_name", "public_id", "template__name"]
    date_hierarchy = "issued_on"
    list_select_related = ["template"]
    autocomplete_fields = ["template", "earner"]
    readonly_fields = [
        "public_id",
        "earner",
        "state",
        "accepted_at",
        "revoked_at",
        "revocation_reason",
        "anonymised_at",
        "created_at",
    ]
    actions = ["resend_claim_email", "revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = AwardIssueForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return AwardIssueForm.Meta.fields
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.is_anonymised:
            # The earner deleted their account: nothing about them may be written back. Revoking stays open.
            return [
                *self.readonly_fields,
                "template",
                "recipient_email",
                "recipient_name",
                "issued_on",
                "expires_on",
                "is_public",
            ]
        if obj.state != AwardState.PENDING or obj.is_revoked:
            # Only a pending badge may go to another address (see `award_replace_email`).
            return [*self.readonly_fields, "recipient_email"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            if "recipient_email" in form.changed_data:
                award_replace_email(award=obj, email=obj.recipient_email)
            return None
        # Issuing goes through the same service as the command line: claim email included.
        issued = award_issue(
            template=obj.template,
            email=obj.recipient_email,
            name=obj.recipient_name,
            issued_on=obj.issued_on,
            expires_on=obj.expires_on,
        )
        obj.pk, obj.public_id = issued.pk, issued.public_id

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(description="Resend the claim email")
    def resend_claim_email(self, request, queryset):
        sent = 0
        for award in queryset:
            try:
                award_resend(award=award)
                sent += 1
            except ValidationError as error:
                self.message_user(request, f"{award}: {' '.join(error.messages)}", messages.WARNING)
        self.message_user(request, f"Claim email queued for {sent} badge(s).")

    @admin.action(description="Revoke the selected badges…")
    def revoke(self, request, queryset):
        form = RevokeForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            revoked = 0
            for award in queryset:
                try:
                    award_revoke(award=award, reason=form.cleaned_data["reason"])
                    revoked += 1
                except ValidationError as error:
                    self.message_user(request, f"{award}: {' '.join(error.messages)}", messages.WARNING)
            self.message_user(request, f"Revoked {revoked} badge(s).")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Revoke badges",
            "awards": queryset,
            "form": form,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/badges/award/revoke.html", context)


class RevokeForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Shown on the badge's public page.")


@admin.register(ClaimToken)
class ClaimTokenAdmin(admin.ModelAdmin):
    list_display = ["award", "created_at", "expires_at", "used_at"]
    list_select_related = ["award__template"]
    readonly_fields = ["award", "token_hash", "created_at", "expires_at", "used_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ShareCount)
class ShareCountAdmin(admin.ModelAdmin):
    """How earners share: clicks through the share links (and email sends) per badge and channel."""

    list_display = ["award", "channel", "clicks", "last_shared_at"]
    list_filter = ["channel", "award__template"]
    search_fields = ["award__public_id", "award__template__name", "award__recipient_name"]
    list_select_related = ["award__template"]
    readonly_fields = ["award", "channel", "clicks", "last_shared_at"]
    ordering = ["-clicks"]

    def has_add_permission(self, request):
        return False


@admin.register(IssuerKey)
class IssuerKeyAdmin(admin.ModelAdmin):
    """Signing keys are made and rotated with `manage.py issuer_keys` or the action here; never edited."""

    list_display = ["kid", "issuer", "created_at", "retired_at"]
    list_filter = ["issuer"]
    list_select_related = ["issuer"]
    readonly_fields = ["issuer", "kid", "public_jwk", "created_at", "retired_at"]
    actions = ["rotate"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a key would make every credential it signed fail verification.
        return False

    @admin.action(description="Rotate: new active key for these keys' issuers (old keys keep verifying)")
    def rotate(self, request, queryset):
        issuers = {key.issuer for key in queryset.select_related("issuer")}
        for issuer in issuers:
            issuer_key_rotate(issuer=issuer)
        self.message_user(request, f"Rotated keys for {len(issuers)} issuer(s).", messages.SUCCESS)
