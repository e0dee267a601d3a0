from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"

    def ready(self):
        from auditlog.registry import auditlog

        from . import schema  # noqa: F401  (describes the API key scheme to drf-spectacular)
        from .models import ApiKey

        # Staff create and revoke keys; the hash never enters the trail.
        auditlog.register(ApiKey, exclude_fields=["key_hash"])
