from django import forms
from django.contrib import admin, messages

from webhooks.admin import secret_once_response

from .models import ApiKey, Scope
from .services import api_key_assign, api_key_scopes_validate, api_keys_revoke


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(choices=Scope.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiKey
        fields = ["issuer", "name", "scopes"]

    def clean_scopes(self):
        return api_key_scopes_validate(self.cleaned_data["scopes"])


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    form = ApiKeyForm
    list_display = ["name", "issuer", "prefix", "scope_list", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["issuer", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        # A key's issuer is fixed: moving it would hand one issuer's program another's awards.
        return [*self.readonly_fields, "issuer"] if obj else self.readonly_fields

    @admin.display(description="Scopes")
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    def save_model(self, request, obj, form, change):
        if not change:
            request._api_key = api_key_assign(api_key=obj)
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        return secret_once_response(request, self.admin_site, obj=obj, secret=request._api_key, what="API key")

    @admin.action(description="Revoke the selected API keys (they stop working at once)")
    def revoke(self, request, queryset):
        count = api_keys_revoke(api_keys=queryset)
        self.message_user(request, f"{count} API key(s) revoked.", messages.SUCCESS)
