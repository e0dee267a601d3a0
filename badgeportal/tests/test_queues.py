"""Each kind of work goes to its own Celery queue, and a worker without -Q consumes every queue."""

import pytest

from badgeportal.celery import app


@pytest.mark.parametrize(
    ("task", "queue"),
    [
        ("outbox.tasks.outbox_sweep", "emails"),
        ("jobs.tasks.jobs_refresh_task", "jobs"),
        ("jobs.tasks.jobs_tick", "jobs"),
        ("webhooks.tasks.webhooks_sweep", "webhooks"),
        ("api.tasks.idempotency_keys_purge", "default"),
        ("badges.imports.tasks.award_import_run_task", "imports"),
        ("badges.imports.tasks.award_imports_resume", "imports"),
        ("anything.else", "default"),
    ],
)
def test_tasks_are_routed_by_kind(task, queue):
    route = app.amqp.router.route({}, task)

    assert route["queue"].name == queue


def test_every_routed_queue_is_declared_for_workers():
    declared = set(app.amqp.queues)
    routed = {options["queue"] for options in app.conf.task_routes.values()}

    assert routed <= declared
    assert app.conf.task_default_queue in declared


def test_task_modules_in_sub_packages_are_imported_by_workers():
    import badges.imports.tasks  # noqa: F401

    assert "badges.imports.tasks" in app.conf.imports
    assert "badges.imports.tasks.award_import_run_task" in app.tasks
