"""A task sent from the web process is run by a real worker process and lands in the database."""

import time

import pytest

from consular.workflow.models import WorkerHeartbeat
from consular.workflow.tasks import record_heartbeat

pytestmark = pytest.mark.services

TASK_TIMEOUT_SECONDS = 60


def wait_for_heartbeat(worker: str) -> WorkerHeartbeat | None:
    deadline = time.monotonic() + TASK_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        heartbeat = WorkerHeartbeat.objects.filter(worker=worker).first()
        if heartbeat is not None:
            return heartbeat
        time.sleep(0.5)
    return None


def test_worker_records_a_heartbeat_sent_from_this_process(celery_worker):
    record_heartbeat.apply_async(queue=celery_worker.queue)

    heartbeat = wait_for_heartbeat(celery_worker.hostname)

    assert heartbeat is not None, (
        f"no heartbeat from {celery_worker.hostname} within {TASK_TIMEOUT_SECONDS} s; worker log:\n"
        + celery_worker.log()
    )
    assert WorkerHeartbeat.objects.count() == 1


def test_a_second_heartbeat_moves_the_same_row_forward(celery_worker):
    record_heartbeat.apply_async(queue=celery_worker.queue)
    first = wait_for_heartbeat(celery_worker.hostname)
    assert first is not None, celery_worker.log()

    record_heartbeat.apply_async(queue=celery_worker.queue)
    deadline = time.monotonic() + TASK_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        first_refreshed = WorkerHeartbeat.objects.get(pk=first.pk)
        if first_refreshed.beat_at > first.beat_at:
            break
        time.sleep(0.5)

    assert first_refreshed.beat_at > first.beat_at, celery_worker.log()
    assert WorkerHeartbeat.objects.filter(worker=celery_worker.hostname).count() == 1
