from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "support"

    def ready(self):
        from accounts import personal_data
        from outbox.registry import register

        from . import personal_data as support_data
        from .emails import render_support_ack, render_support_reply, render_support_staff
        from .services import SUPPORT_STAFF_EMAIL

        register("support_ack", render_support_ack)
        register("support_reply", render_support_reply)
        register(SUPPORT_STAFF_EMAIL, render_support_staff)
        personal_data.register(
            "support-requests",
            title="Support requests",
            export=support_data.export_support_requests,
            lost=support_data.support_requests_lost,
            erase=support_data.support_requests_delete,
        )
