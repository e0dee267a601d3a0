from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"

    def ready(self):
        from accounts import personal_data
        from badges.awards.signals import award_held

        from . import personal_data as jobs_data
        from .receivers import refresh_job_data_for_held_award

        award_held.connect(refresh_job_data_for_held_award, dispatch_uid="jobs.refresh_on_award_held")
        personal_data.register(
            "saved-jobs", title="Saved jobs", export=jobs_data.export_saved_jobs, lost=jobs_data.saved_jobs_lost
        )
