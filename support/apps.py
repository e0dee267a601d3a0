from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"

    def ready(self):
        from outbox.registry import register

        from .emails import render_support_ack, render_support_reply

        register("support_ack", render_support_ack)
        register("support_reply", render_support_reply)
