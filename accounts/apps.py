from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    # allauth's own app is called "Accounts" in the admin too: two sections of one name.
    verbose_name = "Users and profiles"

    def ready(self):
        from outbox.registry import register

        from .emails import render_login_failures
        from .services import LOGIN_FAILURES_EMAIL

        register(LOGIN_FAILURES_EMAIL, render_login_failures)

        from . import personal_data

        personal_data.register(
            "account", title="Your account", export=personal_data.export_account, lost=personal_data.account_lost
        )
