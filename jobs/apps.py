from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"

    def ready(self):
        from badges.awards.signals import award_held

        from .receivers import refresh_job_data_for_held_award

        award_held.connect(refresh_job_data_for_held_award, dispatch_uid="jobs.refresh_on_award_held")
