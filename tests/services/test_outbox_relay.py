"""A real worker process relays a transition's outbox message and marks it done in the database."""

import time

import pytest

from consular.workflow.actions import open_case
from consular.workflow.models import OutboxMessage
from consular.workflow.tasks import relay_outbox_message
from tests.identity.factories import PersonFactory, actor_for

pytestmark = pytest.mark.services


def test_a_real_worker_relays_the_outbox_message_once(celery_worker, nyc_clerk, nyc):
    case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    message = case.outbox.get()

    # Twice, as a redelivery would: the claim makes the second one a no-op.
    relay_outbox_message.apply_async((message.pk,), queue=celery_worker.queue)
    relay_outbox_message.apply_async((message.pk,), queue=celery_worker.queue)

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.state == OutboxMessage.State.DONE:
            break
        time.sleep(0.5)
    assert message.state == OutboxMessage.State.DONE, celery_worker.log()
    time.sleep(1)
    message.refresh_from_db()
    assert message.attempts == 1
    assert celery_worker.log().count("succeeded") == 2
