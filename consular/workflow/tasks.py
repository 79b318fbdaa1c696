from celery import current_task, shared_task

from consular.workflow.actions import record_heartbeat as record_heartbeat_action


@shared_task
def record_heartbeat() -> str:
    hostname = current_task.request.hostname or "worker"
    record_heartbeat_action(worker=hostname)
    return hostname
