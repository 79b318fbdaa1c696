"""A real Celery worker process, running against the pytest-django test database.

The worker listens on a queue of its own, so a `make run` worker sharing the same broker
(the filesystem folders under var/broker, or the same Redis database) never takes its tasks.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import pytest
from django.conf import settings
from django.db import connection
from kombu import Exchange, Queue

from consular.celery import app

WORKER_STOP_SECONDS = 20


@dataclass(frozen=True)
class Worker:
    queue: str
    hostname: str
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def test_database_url() -> str:
    """DATABASE_URL for the database pytest-django created, so another process can use it."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    # Keep user, password, host, port and options as configured; only the database differs.
    configured = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(configured._replace(path=f"/{name}"))


test_database_url.__test__ = False  # a helper, not a test, despite its name


def forget_queue(queue: str) -> None:
    """Drop the queue and its binding so repeated runs leave nothing behind in the broker."""
    with app.connection_for_write() as broker:
        # Declared here first: kombu deletes only the bindings its own channel knows of.
        bound = Queue(queue, Exchange(queue), routing_key=queue)(broker.default_channel)
        bound.declare()
        bound.delete()
    control_folder = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("control_folder")
    if control_folder:
        Path(control_folder, f"{queue}.exchange").unlink(missing_ok=True)


@pytest.fixture
def celery_worker(transactional_db, tmp_path, _tasks_run_in_process) -> Iterator[Worker]:
    """`celery worker` as a subprocess with this process's environment and the test database."""
    app.conf.task_always_eager = False  # this process sends to the real worker
    queue = f"consular-test-{uuid4().hex[:12]}"
    worker = Worker(queue=queue, hostname=f"{queue}@localhost", log_path=tmp_path / "worker.log")
    environment = {**os.environ, "DATABASE_URL": test_database_url(), "CELERY_TASK_ALWAYS_EAGER": "false"}
    command = [
        sys.executable, "-m", "celery", "-A", "consular", "worker",
        "--pool=solo", "--concurrency=1", "--loglevel=INFO",
        "-Q", queue, "-n", worker.hostname,
        # Mingle and gossip talk to other workers; this one must stay alone and start fast.
        "--without-mingle", "--without-gossip",
    ]  # fmt: skip
    with worker.log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            yield worker
        finally:
            process.terminate()
            try:
                process.wait(timeout=WORKER_STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            forget_queue(queue)
