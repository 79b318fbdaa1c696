"""The passport transition table, walked row by row, and every pair off the table refused."""

import pytest
from django.utils import timezone, translation

from consular.offices.models import Office
from consular.offices.scoping import Actor
from consular.versions import StaleVersion
from consular.workflow.actions import TransitionRefused, fire
from consular.workflow.models import Case
from passports.models import PassportApplication, ProductionBatch, Status
from passports.transitions import DECIDES, HQ, PASSPORT
from tests.identity.factories import actor_for
from tests.passports.factories import complete_checklist, submit

ROWS = [(t, source) for t in PASSPORT.transitions for source in t.sources]
OFF_TABLE = [(t, status) for t in PASSPORT.transitions for status in Status.values if status not in t.sources]
# What each guarded row needs from the production batch.
BATCH_STATE_FOR = {
    "start_production": ProductionBatch.State.CREATED,
    "return_to_queue": ProductionBatch.State.CANCELLED,
    "dispatch": ProductionBatch.State.PRINTED,
}


@pytest.fixture(autouse=True)
def _reasons_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def cast(nyc_clerk, nyc_officer, nyc_supervisor, hq_officer, london_clerk, auditor):
    return {"clerk": nyc_clerk, "officer": nyc_officer, "supervisor": nyc_supervisor, "hq": hq_officer,
            "outsider": london_clerk, "auditor": auditor}


def firer_for(transition, cast, nyc) -> Actor:
    """Someone whose role and office kind the row allows."""
    if transition.roles == {"system"}:
        return Actor.system(nyc)
    if transition.office_kinds == HQ:
        return actor_for(cast["hq"])
    if transition.name == "cancel":
        return actor_for(cast["supervisor"])
    if transition.roles <= DECIDES:
        return actor_for(cast["officer"])
    return actor_for(cast["clerk"])


@pytest.fixture
def ready_application(applicant, cast, hq):
    """An application whose every guard is satisfied: checklist, photo, fee, identity checked."""
    clerk = actor_for(cast["clerk"])
    application = submit(clerk, applicant)
    complete_checklist(application, clerk)
    PassportApplication.unscoped.filter(pk=application.pk).update(identity_checked_at=timezone.now())
    return application


def put_in(application, status: str, office: Office, batch_state: str | None) -> Case:
    if batch_state is not None:
        batch = ProductionBatch.unscoped.create(reference=f"B-TEST-{batch_state}", created_by="test", size=1,
                                                state=batch_state)
        PassportApplication.unscoped.filter(pk=application.pk).update(batch=batch)
    Case.unscoped.filter(pk=application.case_id).update(status=status, current_office=office)
    return Case.unscoped.get(pk=application.case_id)


@pytest.mark.parametrize("transition, source", ROWS, ids=[f"{t.name}:{s}" for t, s in ROWS])
def test_every_row_moves_the_status_and_writes_one_event_and_one_message(
    ready_application, cast, nyc, transition, source
):
    actor = firer_for(transition, cast, nyc)
    case = put_in(ready_application, source, actor.office, BATCH_STATE_FOR.get(transition.name))
    events, messages = case.events.count(), case.outbox.count()

    fire(case, transition.name, by=actor, expected_version=case.version, note="A note")

    case.refresh_from_db()
    assert case.status == transition.target
    assert case.events.count() == events + 1 and case.outbox.count() == messages + 1
    assert (case.closed_at is not None) == transition.closes


@pytest.mark.parametrize("transition, status", OFF_TABLE, ids=[f"{t.name}:{s}" for t, s in OFF_TABLE])
def test_every_pair_off_the_table_is_refused_and_changes_nothing(ready_application, cast, nyc, transition, status):
    actor = firer_for(transition, cast, nyc)
    case = put_in(ready_application, status, actor.office, BATCH_STATE_FOR.get(transition.name))
    events = case.events.count()

    with pytest.raises(TransitionRefused, match="Not possible from the status"):
        fire(case, transition.name, by=actor, expected_version=case.version, note="A note")

    case.refresh_from_db()
    assert (case.status, case.events.count()) == (status, events)


def test_approval_names_every_missing_document_and_the_unpaid_fee(applicant, cast, hq):
    clerk, officer = actor_for(cast["clerk"]), actor_for(cast["officer"])
    application = submit(clerk, applicant)
    case = application.case
    fire(case, "start_review", by=clerk, expected_version=case.version)
    case.refresh_from_db()

    with pytest.raises(TransitionRefused, match=r"Not every document is verified: .*Family register extract"):
        fire(case, "approve", by=officer, expected_version=case.version)

    complete_checklist(application, clerk)
    PassportApplication.unscoped.filter(pk=application.pk).update(paid_at=None)
    with pytest.raises(TransitionRefused, match="The fee has not been paid"):
        fire(case, "approve", by=officer, expected_version=case.version)


def test_a_clerk_cannot_approve_and_approval_hands_the_case_to_hq(applicant, cast, hq):
    clerk, officer = actor_for(cast["clerk"]), actor_for(cast["officer"])
    application = submit(clerk, applicant)
    case = application.case
    fire(case, "start_review", by=clerk, expected_version=case.version)
    complete_checklist(application, clerk)
    case.refresh_from_db()

    with pytest.raises(TransitionRefused, match="Your role cannot do this"):
        fire(case, "approve", by=clerk, expected_version=case.version)
    fire(case, "approve", by=officer, expected_version=case.version)

    case.refresh_from_db()
    assert (case.status, case.current_office.code) == (Status.APPROVED, "HQ")


def test_hand_over_outside_the_desk_is_refused_with_where_to_do_it(ready_application, cast, nyc):
    PassportApplication.unscoped.filter(pk=ready_application.pk).update(identity_checked_at=None)
    case = put_in(ready_application, Status.READY, nyc, None)

    with pytest.raises(TransitionRefused, match="collection desk"):
        fire(case, "hand_over", by=actor_for(cast["clerk"]), expected_version=case.version)


def test_a_stale_version_changes_nothing(ready_application, cast):
    case = ready_application.case

    with pytest.raises(StaleVersion):
        fire(case, "start_review", by=actor_for(cast["clerk"]), expected_version=case.version + 1)

    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_only_the_system_lets_a_passport_lapse(ready_application, cast, nyc):
    case = put_in(ready_application, Status.READY, nyc, None)

    with pytest.raises(TransitionRefused, match="Your role cannot do this"):
        fire(case, "lapse", by=actor_for(cast["supervisor"]), expected_version=case.version)
