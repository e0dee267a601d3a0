from auditlog.admin import LogEntryAdmin as BaseLogEntryAdmin
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User
from .services import account_delete


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "profile_public", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "profile_public"]
    search_fields = ["email", "full_name", "handle"]
    # The photo is only ever set by its owner, through the checks that re-encode it.
    readonly_fields = ["public_id", "date_joined", "last_login", "photo"]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        ("Profile", {"fields": ["full_name", "handle", "headline", "photo", "profile_public"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]

    # Staff deleting an account does what the earner's own deletion does: awards kept anonymised for their
    # issuer, pending emails cancelled, an entry in the audit trail naming the staff member.
    def log_deletions(self, request, queryset):
        pass  # admin's own history would keep the address (str(user)); the audit trail records it without

    def delete_model(self, request, obj):
        account_delete(user=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            account_delete(user=user, actor=request.user)


admin.site.unregister(LogEntry)


@admin.register(LogEntry)
class LogEntryAdmin(BaseLogEntryAdmin):
    """The audit trail, read-only (auditlog's admin), searchable by what our User has: no first or last name."""

    search_fields = ["object_repr", "changes", "actor__email", "actor_email"]
