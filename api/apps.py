from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"

    def ready(self):
        from auditlog.registry import auditlog

        from accounts import personal_data

        from . import schema  # noqa: F401  (describes the API key scheme to drf-spectacular)
        from .models import ApiKey
        from .personal_data import idempotency_answers_forget

        personal_data.register("api-answers", title="API answers kept for replays", erase=idempotency_answers_forget)

        # Staff create and revoke keys; the hash never enters the trail.
        auditlog.register(ApiKey, exclude_fields=["key_hash"])
