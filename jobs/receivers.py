"""How jobs hears from badges: an award just became held, so its job data may need a refresh."""

from .services import refresh_if_stale_on_commit


def refresh_job_data_for_held_award(sender, award, **kwargs):
    refresh_if_stale_on_commit(award)
