from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html

from .awards.selectors import award_history
from .awards.services import (
    award_issue,
    award_renew,
    award_replace_email,
    award_resend,
    award_revoke,
    normalize_recipient_name,
)
from .catalog.forms import BadgeTemplateAdminForm, CertificationAdminForm, ExamAdminForm
from .catalog.images import badge_image_renditions_make
from .imports import admin as imports_admin  # noqa: F401  (registers the award import pages)
from .models import Award, BadgeTemplate, Certification, ClaimToken, Exam, Issuer, IssuerKey, ReminderOptOut, ShareCount
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


# What stays fixed once a badge is issued: changes go through a service (a new address, a renewal, a
# revocation) or are the earner's to make (visibility).
FIXED_AFTER_ISSUE = ["template", "recipient_email", "recipient_name", "issued_on", "expires_on", "is_public"]


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
        "renewed_on",
        "claim_link_opened_at",
        "anonymised_at",
        "created_at",
    ]
    actions = ["resend_claim_email", "revoke"]
    change_form_template = "admin/badges/award/change_form.html"
    delete_confirmation_template = "admin/badges/award/delete_confirmation.html"

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
        fixed = [*self.readonly_fields, *FIXED_AFTER_ISSUE]
        # The earner deleted their account: nothing about them may be written back. Revoking stays open.
        return [*fixed, "external_id"] if obj.is_anonymised else fixed

    def has_delete_permission(self, request, obj=None):
        # An issued badge is revoked, not deleted: its page, its Open Badges data and the status list must go
        # on saying it was revoked. Deleting is for the rare staff given the separate permission.
        return request.user.has_perm("badges.hard_delete_award")

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        # Issuing goes through the same service as the command line: claim email included.
        issued = award_issue(
            template=obj.template,
            email=obj.recipient_email,
            name=obj.recipient_name,
            issued_on=obj.issued_on,
            expires_on=obj.expires_on,
        )
        obj.pk, obj.public_id = issued.pk, issued.public_id
        return None

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        return [
            path("<int:pk>/resend/", view(self.resend_view), name="badges_award_resend"),
            path("<int:pk>/revoke/", view(self.revoke_view), name="badges_award_revoke"),
            path("<int:pk>/renew/", view(self.renew_view), name="badges_award_renew"),
            path("<int:pk>/replace/", view(self.replace_view), name="badges_award_replace"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        award = self.get_object(request, object_id)
        extra_context = {**(extra_context or {}), **(award_history(award) if award else {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def _award_or_404(self, request, pk):
        award = self.get_object(request, str(pk))
        if award is None:
            raise Http404
        if not self.has_change_permission(request, award):
            raise PermissionDenied
        return award

    def _back(self, award):
        return redirect("admin:badges_award_change", award.pk)

    def resend_view(self, request, pk):
        award = self._award_or_404(request, pk)
        if request.method != "POST":
            return self._back(award)
        try:
            award_resend(award=award)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, f"A new claim email to {award.recipient_email} is on its way.", messages.SUCCESS)
        return self._back(award)

    def _form_view(self, request, pk, *, form_class, title, button, explanation, act):
        award = self._award_or_404(request, pk)
        form = form_class(request.POST or None, award=award)
        if request.method == "POST" and form.is_valid():
            try:
                message = act(award, form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(request, message, messages.SUCCESS)
                return self._back(award)
        context = {
            **self.admin_site.each_context(request),
            "title": f"{title}: {award}",
            "award": award,
            "form": form,
            "button": button,
            "explanation": explanation,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/badges/award/action_form.html", context)

    def revoke_view(self, request, pk):
        def act(award, data):
            award_revoke(award=award, reason=data["reason"])
            return "Revoked. The earner is told by email, with the reason."

        return self._form_view(
            request, pk, form_class=AwardRevokeForm, title="Revoke", button="Revoke", act=act,
            explanation="Revoking is final. The badge's page, its Open Badges data and its verification will say "
            "it was revoked, with this reason, and the earner is emailed the reason.",
        )  # fmt: skip

    def renew_view(self, request, pk):
        def act(award, data):
            award_renew(award=award, expires_on=data["expires_on"])
            return f"Renewed: valid until {award.expires_on:%B %-d, %Y}."

        return self._form_view(
            request, pk, form_class=AwardRenewForm, title="Renew", button="Renew", act=act,
            explanation="The badge keeps its page and its link; it is valid until the new date, its page says when "
            "it was renewed, and an expired badge is valid again without a new claim. An earner who holds the "
            "badge is emailed the new date.",
        )  # fmt: skip

    def replace_view(self, request, pk):
        def act(award, data):
            award_replace_email(award=award, email=data["email"])
            return f"Sent to {award.recipient_email}; links sent to the old address no longer work."

        return self._form_view(
            request, pk, form_class=AwardReplaceForm, title="Send to another address", button="Send", act=act,
            explanation="For a badge still waiting to be claimed whose address was wrong: claim links sent to the old "
            "address stop working and a claim email goes to the new one.",
        )  # fmt: skip

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


class _AwardForm(forms.Form):
    def __init__(self, *args, award, **kwargs):
        self.award = award
        super().__init__(*args, **kwargs)


class AwardRevokeForm(_AwardForm):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the badge's public page and emailed to the earner.",
    )


class AwardRenewForm(_AwardForm):
    expires_on = forms.DateField(
        label="New expiry date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The badge is valid through it.",
    )


class AwardReplaceForm(_AwardForm):
    email = forms.EmailField(label="New address")


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


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(admin.ModelAdmin):
    """Addresses that unsubscribed from reminders; staff may add one asked for by other means."""

    list_display = ["email", "created_at"]
    search_fields = ["email"]


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
