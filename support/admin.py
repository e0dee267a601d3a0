from django import forms
from django.contrib import admin, messages

from .models import SupportRequest, SupportStatus
from .services import support_request_reply


class SupportRequestAdminForm(forms.ModelForm):
    reply = forms.CharField(
        label="New reply",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Emailed to the requester when you save. Leave empty to change only the status.",
    )

    class Meta:
        model = SupportRequest
        fields = ["status"]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    form = SupportRequestAdminForm
    list_display = ["created_at", "name", "email", "concerning", "status", "replied_at"]
    list_filter = ["status", "created_at", "replied_at"]
    search_fields = ["name", "email", "concerning", "message"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = [
        "name",
        "email",
        "user",
        "concerning",
        "message",
        "created_at",
        "staff_reply",
        "replied_at",
        "replied_by",
    ]
    fieldsets = [
        ("Request", {"fields": ["created_at", "name", "email", "user", "concerning", "message"]}),
        ("Answer", {"fields": ["status", "staff_reply", "replied_at", "replied_by", "reply"]}),
    ]
    actions = ["mark_closed"]

    def has_add_permission(self, request):
        return False  # Requests come from the contact form.

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        reply = form.cleaned_data.get("reply", "").strip()
        if reply:
            support_request_reply(support_request=obj, reply=reply, staff_user=request.user)
            self.message_user(request, f"Your reply to {obj.email} is on its way.", messages.SUCCESS)

    @admin.action(description="Mark as closed")
    def mark_closed(self, request, queryset):
        closed = queryset.exclude(status=SupportStatus.CLOSED).update(status=SupportStatus.CLOSED)
        self.message_user(request, f"{closed} request(s) closed.")
