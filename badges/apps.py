from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "badges"

    def ready(self):
        from outbox.registry import register

        from . import public_cache, receivers  # noqa: F401  (connect their signal receivers)
        from .emails import render_claim_email
        from .sharing import render_share_email

        register("claim", render_claim_email)
        register("share", render_share_email)
