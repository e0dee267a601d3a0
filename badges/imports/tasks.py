from celery import shared_task

from .services import award_import_check, award_import_run, award_imports_resume


@shared_task
def award_import_check_task(import_id):
    """Check the rows of an uploaded file and store its preview. Safe to run twice: the second finds it checked."""
    award_import_check(import_id=import_id)


@shared_task
def award_import_run_task(import_id):
    """Run a confirmed import. Safe to run twice: the second finds it done, or locked by the first."""
    award_import_run(import_id=import_id)


@shared_task(name="badges.imports.tasks.award_imports_resume")
def award_imports_resume_task():
    """The beat's minute tick: queue again imports whose task was lost or whose worker died."""
    return award_imports_resume()
