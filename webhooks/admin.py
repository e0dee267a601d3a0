from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse

from .models import STATE_Q, DeliveryState, WebhookDelivery, WebhookEndpoint, WebhookEvent
from .services import (
    webhook_deliveries_resend,
    webhook_endpoint_enable,
    webhook_endpoint_secret_assign,
    webhook_endpoint_secret_rotate,
    webhook_events_validate,
    webhook_url_validate,
)


def secret_once_response(request, admin_site, *, obj, secret, what):
    """The page that shows a new secret: the only time anyone sees it."""
    context = {
        **admin_site.each_context(request),
        "title": f"Copy the {what} now",
        "obj": obj,
        "opts": obj._meta,
        "secret": secret,
        "what": what,
    }
    return TemplateResponse(request, "admin/secret_once.html", context)


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ["issuer", "url", "events", "description", "is_active"]

    def clean_url(self):
        return webhook_url_validate(self.cleaned_data["url"])

    def clean_events(self):
        return webhook_events_validate(self.cleaned_data["events"])


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["url", "issuer", "is_active", "failing_since", "disabled_at"]
    list_filter = ["is_active", "issuer"]
    search_fields = ["url", "description"]
    readonly_fields = ["failing_since", "disabled_at", "created_at"]
    actions = ["rotate_secret"]

    def save_model(self, request, obj, form, change):
        if not change:
            request._webhook_secret = webhook_endpoint_secret_assign(endpoint=obj)
        switched_on = change and "is_active" in form.changed_data and obj.is_active
        super().save_model(request, obj, form, change)
        if switched_on:
            # Back on: a fresh failure count, and the events that waited are sent now.
            webhook_endpoint_enable(endpoint=obj)

    def response_add(self, request, obj, post_url_continue=None):
        return secret_once_response(
            request, self.admin_site, obj=obj, secret=request._webhook_secret, what="signing secret"
        )

    @admin.action(description="Make a new signing secret (the old one stops working)")
    def rotate_secret(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Choose one endpoint at a time: its new secret is shown once.", messages.ERROR)
            return None
        endpoint = queryset.get()
        secret = webhook_endpoint_secret_rotate(endpoint=endpoint)
        return secret_once_response(request, self.admin_site, obj=endpoint, secret=secret, what="signing secret")


class DeliveryStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return DeliveryState.choices

    def queryset(self, request, queryset):
        return queryset.filter(STATE_Q[self.value()]) if self.value() in STATE_Q else queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "event_type",
        "event_id",
        "endpoint",
        "delivery_state",
        "last_status_code",
        "latency",
        "attempts",
        "created_at",
        "delivered_at",
    ]
    list_filter = [DeliveryStateFilter, "event_type", "endpoint__issuer"]
    search_fields = ["=event_id", "endpoint__url"]
    list_select_related = ["endpoint__issuer"]
    actions = ["resend"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # a record of what was sent: viewed and resent, never edited

    @admin.display(description="State")
    def delivery_state(self, obj):
        return obj.state

    @admin.display(description="Latency (ms)", ordering="last_latency_ms")
    def latency(self, obj):
        return obj.last_latency_ms

    @admin.action(description="Resend the selected deliveries (same webhook-id)", permissions=["view"])
    def resend(self, request, queryset):
        count = webhook_deliveries_resend(deliveries=queryset)
        self.message_user(request, f"{count} delivery(ies) will be sent again now.", messages.SUCCESS)
