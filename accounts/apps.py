from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from outbox.registry import register

        from .emails import render_login_failures
        from .services import LOGIN_FAILURES_EMAIL

        register(LOGIN_FAILURES_EMAIL, render_login_failures)
