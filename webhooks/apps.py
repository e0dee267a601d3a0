from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self):
        from auditlog.registry import auditlog

        from accounts import personal_data
        from outbox.registry import register

        from . import receivers  # noqa: F401  (turns award signals into deliveries)
        from .emails import render_endpoint_disabled_email
        from .models import WebhookEndpoint
        from .personal_data import webhook_payloads_clear
        from .services import ENDPOINT_DISABLED_EMAIL

        register(ENDPOINT_DISABLED_EMAIL, render_endpoint_disabled_email)
        personal_data.register("webhook-payloads", title="Webhook payloads", erase=webhook_payloads_clear)
        # Staff register and change endpoints; the secret never enters the trail.
        auditlog.register(WebhookEndpoint, exclude_fields=["secret_encrypted"])
