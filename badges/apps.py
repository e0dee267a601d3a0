from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "badges"

    def ready(self):
        from auditlog.registry import auditlog

        from accounts import personal_data, profile_visibility
        from outbox.registry import register

        from .awards import personal_data as award_data
        from .awards import receivers  # noqa: F401  (connects the claim receivers)
        from .awards.emails import (
            prefetch_claim_awards,
            render_claim_email,
            render_expired_email,
            render_renewed_email,
            render_revoked_email,
        )
        from .awards.services import CLAIM_EMAIL, EXPIRED_EMAIL, RENEWED_EMAIL, REVOKED_EMAIL
        from .public import cache  # noqa: F401  (connects the cache invalidation receivers)
        from .reminders.emails import render_reminder_email
        from .reminders.services import REMINDER_EMAIL
        from .sharing.emails import render_share_email
        from .sharing.selectors import profile_going_private_warning
        from .sharing.services import SHARE_EMAIL

        register(CLAIM_EMAIL, render_claim_email, prefetch=prefetch_claim_awards)
        register(SHARE_EMAIL, render_share_email)
        register(REVOKED_EMAIL, render_revoked_email)
        register(EXPIRED_EMAIL, render_expired_email)
        register(RENEWED_EMAIL, render_renewed_email)
        register(REMINDER_EMAIL, render_reminder_email)
        from . import audit

        audit.register_models()
        personal_data.register(
            "badges",
            title="Badges",
            export=award_data.export_awards,
            lost=award_data.awards_lost,
            erase=award_data.awards_anonymise,
        )
        profile_visibility.register(profile_going_private_warning)
        # Who uploaded, confirmed and ran each import; the file and its report are too large for a log entry.
        auditlog.register(self.get_model("AwardImport"), exclude_fields=["data", "checked", "report"])
