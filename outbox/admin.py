from django.contrib import admin

from .models import STATE_Q, OutboxEmail, OutboxState
from .services import outbox_retry


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
    list_display = ["kind", "to", "state", "created_at", "next_attempt_at", "sent_at", "attempts", "last_error"]
    list_filter = [StateFilter, "kind"]
    search_fields = ["to"]
    readonly_fields = [
        "kind",
        "to",
        "payload",
        "state",
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

    @admin.action(description="Retry the selected unsent emails now")
    def retry_now(self, request, queryset):
        count = outbox_retry(rows=queryset)
        self.message_user(request, f"{count} email(s) will be sent again now.")
