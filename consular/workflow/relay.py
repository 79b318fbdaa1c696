"""Relaying outbox messages: claim, run the handler, mark done — or retry, then fail visibly.

Handlers are registered per message kind. A handler's database writes and the
message's DONE mark commit together, so those effects happen exactly once however often
a message is relayed. An e-mail is sent before that commit, so a worker killed between
the two can send it twice: at least once, never lost.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from consular.workflow.models import CaseEvent, OutboxMessage
from consular.workflow.sla import supervisor_addresses
from consular.workflow.transitions import case_url

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Longer than any handler runs: a claim older than this belongs to a worker that died.
CLAIM_LEASE = timedelta(minutes=5)
SWEEP_BATCH = 500

Handler = Callable[[OutboxMessage], None]
HANDLERS: dict[str, Handler] = {}


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=30 * 2**attempts), timedelta(hours=1))


def _claimable(now) -> Q:
    return Q(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def relay(message_id: int) -> str:
    """Run one message's handler if it is due and nobody else holds it. Returns what happened."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(_claimable(now), pk=message_id).update(claimed_until=now + CLAIM_LEASE)
    if not claimed:
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        with transaction.atomic():
            HANDLERS[message.kind](message)
            OutboxMessage.objects.filter(pk=message_id).update(
                state=OutboxMessage.State.DONE, done_at=timezone.now(), attempts=message.attempts + 1,
                claimed_until=None, last_error="",
            )
    except Exception as error:
        attempts = message.attempts + 1
        failed = attempts >= MAX_ATTEMPTS
        logger.warning("outbox message %s (%s) failed, attempt %s: %r", message_id, message.kind, attempts, error)
        OutboxMessage.objects.filter(pk=message_id).update(
            attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:2000], claimed_until=None,
            state=OutboxMessage.State.FAILED if failed else OutboxMessage.State.PENDING,
            next_attempt_at=timezone.now() + backoff(attempts),
        )
        return "failed" if failed else "retrying"
    return "done"


def sweep() -> int:
    """Relay every due message: the safety net for a lost enqueue, a dead worker or a broker outage."""
    due = list(
        OutboxMessage.objects.filter(_claimable(timezone.now())).order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    return sum(relay(pk) == "done" for pk in due)


ENQUEUE_CHUNK = 200  # messages per relay task of a bulk move


def enqueue(message_id: int) -> None:
    """Hand a message to the broker; if the broker is down, the sweep relays it later."""
    from consular.workflow.tasks import relay_outbox_message

    try:
        relay_outbox_message.delay(message_id)
    except Exception as error:  # the transition has committed: never fail the request for this
        logger.warning("could not enqueue outbox message %s (%r); the sweep will relay it", message_id, error)


def enqueue_many(message_ids: list[int]) -> None:
    """Messages of a bulk move, in a few broker messages rather than one each."""
    from consular.workflow.tasks import relay_outbox_messages

    for start in range(0, len(message_ids), ENQUEUE_CHUNK):
        chunk = message_ids[start : start + ENQUEUE_CHUNK]
        try:
            relay_outbox_messages.delay(chunk)
        except Exception as error:  # committed already: the sweep relays what is not enqueued
            logger.warning("could not enqueue %s outbox messages (%r); the sweep will relay them", len(chunk), error)


@handles("case_opened")
def case_opened(message: OutboxMessage) -> None:
    """Nothing to send yet: domains add their own message kinds (print, notify the applicant …)."""


@handles("case_moved")
def case_moved(message: OutboxMessage) -> None:
    """A hand-over tells the supervisors of the office now holding the case, in Japanese and English."""
    event = CaseEvent.objects.select_related("to_office", "from_office", "case").get(pk=message.payload["event"])
    if event.to_office_id == event.from_office_id:
        return
    supervisors = sorted(supervisor_addresses([event.to_office_id]).get(event.to_office_id, ()))
    if not supervisors:
        return
    lines = []
    for language in ("ja", "en"):
        with translation.override(language):
            lines.append(
                translation.gettext("Case %(reference)s was handed over to %(office)s by %(from)s.")
                % {"reference": message.payload["reference"], "office": event.to_office.name,
                   "from": event.from_office.name}
            )
    lines.append(f"{settings.SITE_URL}{case_url(event.case.case_type, event.case.reference)}")
    send_mail(f"[consular] {message.payload['reference']}", "\n\n".join(lines), None, supervisors)
