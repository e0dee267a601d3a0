from django.apps import AppConfig


class BadgesConfig(AppConfig):
    name = "badges"

    def ready(self):
        from auditlog.registry import auditlog

        from accounts import personal_data, profile_visibility
        from outbox.registry import register

        from .awards import personal_data as award_data
        from .awards import receivers  # noqa: F401  (connects the claim receivers)
        from .awards.emails import render_claim_email
        from .awards.services import CLAIM_EMAIL
        from .public import cache  # noqa: F401  (connects the cache invalidation receivers)
        from .sharing.emails import render_share_email
        from .sharing.selectors import profile_going_private_warning
        from .sharing.services import SHARE_EMAIL

        register(CLAIM_EMAIL, render_claim_email)
        register(SHARE_EMAIL, render_share_email)
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
