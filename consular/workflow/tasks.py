from celery import current_task, shared_task

from consular.workflow import relay, sla
from consular.workflow.actions import record_heartbeat as record_heartbeat_action


@shared_task
def record_heartbeat() -> str:
    hostname = current_task.request.hostname or "worker"
    record_heartbeat_action(worker=hostname)
    return hostname


@shared_task
def relay_outbox_message(message_id: int) -> str:
    return relay.relay(message_id)


@shared_task
def relay_outbox_messages(message_ids: list[int]) -> int:
    """The messages of a bulk move; each relay claims its message, so a repeat does nothing twice."""
    return sum(relay.relay(message_id) == "done" for message_id in message_ids)


@shared_task
def sweep_outbox() -> int:
    """Relay what is due and was never relayed (broker down, worker killed, enqueue lost)."""
    return relay.sweep()


@shared_task
def flag_overdue_cases() -> int:
    """Record and notify new SLA breaches; running it twice notifies nothing twice."""
    return sla.flag_overdue()
