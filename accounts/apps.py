from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"

    def ready(self):
        from . import personal_data

        personal_data.register(
            "account", title="Your account", export=personal_data.export_account, lost=personal_data.account_lost
        )
