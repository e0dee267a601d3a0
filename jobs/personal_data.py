"""What jobs holds about an earner: the postings they saved (registered with `accounts.personal_data`).
Saved jobs go with the account row, so there is nothing to erase here."""

from django.template.defaultfilters import pluralize

from accounts.personal_data import json_file

from .models import SavedJob


def _saved_jobs_of(user):
    return SavedJob.objects.filter(user=user)


def export_saved_jobs(*, user, addresses):
    saved = _saved_jobs_of(user).select_related("posting").order_by("saved_at")
    records = [
        {
            "saved_at": job.saved_at,
            "title": job.posting.title,
            "employer": job.posting.employer,
            "locations": job.posting.locations,
            "salary": job.posting.salary_text,
            "posted_on": job.posting.posted_on,
            "status": job.posting.status,
            "apply_url": job.posting.apply_url,
        }
        for job in saved
    ]
    yield json_file("saved-jobs.json", records)


def saved_jobs_lost(*, user, addresses):
    count = _saved_jobs_of(user).count()
    return f"{count} saved job{pluralize(count)}." if count else ""
