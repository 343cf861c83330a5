"""Running the task worker (`manage.py db_worker`) inside a test."""

from unittest import mock

from django_tasks_db.management.commands import db_worker


def run_task_worker() -> None:
    """What `manage.py db_worker --batch` does: run every queued task, then return. Two
    pieces of the command's housekeeping are left out: it closes stale database connections
    between tasks, which inside a test's transaction would close the test's own connection
    (PostgreSQL), and it installs signal handlers in the process (here: pytest's)."""
    worker = db_worker.Worker(
        queue_names=["*"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
    )
    with mock.patch.object(db_worker, "close_old_connections"):
        worker.run()
