from django.utils import timezone

from consular.workflow.models import WorkerHeartbeat


def record_heartbeat(*, worker: str) -> WorkerHeartbeat:
    """Idempotent: one row per worker, moved forward each time."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(worker=worker, defaults={"beat_at": timezone.now()})
    return heartbeat
