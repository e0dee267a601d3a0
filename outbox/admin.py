from django.contrib import admin
from django.utils.html import format_html

from .models import STATE_Q, OutboxEmail, OutboxState
from .services import outbox_preview, outbox_retry


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return OutboxState.choices

    def queryset(self, request, queryset):
        if self.value() in STATE_Q:
            return queryset.in_state(self.value())
        return queryset


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["to", "subject_or_kind", "state", "short_error", "created_at", "sent_at", "attempts"]
    list_filter = [StateFilter, "kind"]
    search_fields = ["to", "subject"]
    readonly_fields = [
        "to",
        "subject",
        "state",
        "preview",
        "kind",
        "payload",
        "created_at",
        "next_attempt_at",
        "sent_at",
        "attempts",
        "last_error",
        "failing_since",
        "failed_at",
    ]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Subject", ordering="subject")
    def subject_or_kind(self, obj):
        # The subject is kept when the email is sent; until then, say what it will be.
        return obj.subject or f"({obj.kind} email, not sent yet)"

    @admin.display(description="Last error")
    def short_error(self, obj):
        return obj.last_error[:100] + ("…" if len(obj.last_error) > 100 else "")

    @admin.display(description="Body")
    def preview(self, obj):
        """The email rendered now through its kind's renderer, as it would be sent (nothing it writes is kept)."""
        try:
            message = outbox_preview(row=obj)
        except Exception as error:  # noqa: BLE001  (a renderer's bug must not take the outbox page down)
            return f"No preview: {type(error).__name__}: {error}"
        if message is None:
            return "Nothing to send any more (its badge was revoked, deleted or sent elsewhere): it closes unsent."
        return format_html(
            '<p><strong>{}</strong></p><pre class="outbox-preview">{}</pre>', message.subject, message.body
        )

    @admin.action(description="Retry the selected unsent emails now")
    def retry_now(self, request, queryset):
        count = outbox_retry(rows=queryset)
        self.message_user(request, f"{count} email(s) will be sent again now.")
