from django.contrib import admin

from .models import OutboxEmail
from .tasks import outbox_send


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ["kind", "to", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["to"]
    readonly_fields = ["kind", "to", "payload", "created_at", "sent_at", "attempts", "last_error"]
    actions = ["send_now"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Send the selected unsent emails now")
    def send_now(self, request, queryset):
        ids = list(queryset.filter(sent_at__isnull=True).values_list("pk", flat=True))
        for outbox_id in ids:
            outbox_send.delay(outbox_id)
        self.message_user(request, f"{len(ids)} email(s) queued.")
