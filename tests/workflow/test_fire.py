"""The transition table of general enquiries, walked row by row, and everything off the table."""

import pytest
from django.core import mail
from django.utils import translation
from django_scopes import scope

from consular.offices.models import Office
from consular.versions import StaleVersion
from consular.workflow import relay
from consular.workflow.actions import TransitionRefused, fire, open_case, options_for
from consular.workflow.enquiries import ENQUIRY, Status
from consular.workflow.models import Case, CaseEvent, OutboxMessage
from tests.identity.factories import PersonFactory, actor_for


@pytest.fixture(autouse=True)
def _reasons_in_english():
    """The refusal reasons are translated; these tests read the English ones."""
    with translation.override("en"):
        yield


ROWS = [(t, source) for t in ENQUIRY.transitions for source in t.sources]


def put_case_in(case: Case, status: str, office: Office) -> Case:
    Case.unscoped.filter(pk=case.pk).update(status=status, current_office=office)
    return Case.unscoped.get(pk=case.pk)


def firer_for(transition, cast):
    """Someone whose role and office kind the row allows."""
    if "hq" in transition.office_kinds and "mission" not in transition.office_kinds:
        return cast["hq_officer"]
    return cast["nyc_supervisor"] if "supervisor" in transition.roles else cast["nyc_clerk"]


@pytest.fixture
def cast(nyc_clerk, nyc_supervisor, hq_officer, london_clerk, auditor):
    return {"nyc_clerk": nyc_clerk, "nyc_supervisor": nyc_supervisor, "hq_officer": hq_officer,
            "london_clerk": london_clerk, "auditor": auditor}


@pytest.fixture
def case(person, nyc_clerk, hq):
    return open_case("enquiry", person=person, by=actor_for(nyc_clerk), note="Asks about renewing abroad")


def test_opening_gives_a_reference_a_first_event_and_an_outbox_message(case):
    assert case.reference.startswith("E-20") and case.reference.endswith("-NYC-000001")
    assert case.status == Status.RECEIVED
    assert list(case.events.values_list("transition", flat=True)) == ["open"]
    assert list(case.outbox.values_list("kind", flat=True)) == ["case_opened"]


def test_references_count_up_per_office_series(person, nyc_clerk, hq):
    second = open_case("enquiry", person=person, by=actor_for(nyc_clerk))
    third = open_case("enquiry", person=person, by=actor_for(nyc_clerk))
    assert [second.reference[-6:], third.reference[-6:]] == ["000001", "000002"]


@pytest.mark.parametrize("transition, source", ROWS, ids=[f"{t.name}:{s}" for t, s in ROWS])
def test_every_row_moves_the_status_and_writes_one_event_and_one_message(case, cast, hq, nyc, transition, source):
    user = firer_for(transition, cast)
    actor = actor_for(user)
    case = put_case_in(case, source, actor.office)
    events, messages = case.events.count(), case.outbox.count()

    fire(case, transition.name, by=actor, expected_version=case.version, note="A note")

    case.refresh_from_db()
    assert case.status == transition.target
    assert case.events.count() == events + 1 and case.outbox.count() == messages + 1
    event = case.events.last()
    assert (event.transition, event.from_status, event.to_status) == (transition.name, source, transition.target)
    assert (case.closed_at is not None) == transition.closes


OFF_TABLE = [
    (transition, status)
    for transition in ENQUIRY.transitions
    for status in Status.values
    if status not in transition.sources
]


@pytest.mark.parametrize("transition, status", OFF_TABLE, ids=[f"{t.name}:{s}" for t, s in OFF_TABLE])
def test_every_pair_not_in_the_table_is_refused_and_changes_nothing(case, cast, transition, status):
    actor = actor_for(firer_for(transition, cast))
    case = put_case_in(case, status, actor.office)
    with pytest.raises(TransitionRefused):
        fire(case, transition.name, by=actor, expected_version=case.version, note="A note")
    assert Case.unscoped.get(pk=case.pk).status == status
    assert case.events.count() == 1


def test_a_stale_version_is_a_conflict_and_changes_nothing(case, nyc_clerk):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    with pytest.raises(StaleVersion):
        fire(case, "withdraw", by=actor_for(nyc_clerk), expected_version=1, note="Changed their mind")
    case.refresh_from_db()
    assert (case.status, case.version, case.events.count()) == (Status.IN_PROGRESS, 2, 2)


def test_a_note_is_required_where_the_table_says_so(case, nyc_clerk):
    with pytest.raises(TransitionRefused, match="note"):
        fire(case, "withdraw", by=actor_for(nyc_clerk), expected_version=1, note="  ")


def test_a_note_with_a_hidden_character_is_refused_and_moves_nothing(case, nyc_clerk):
    # A timeline is read by other offices: a bidi override would make the note say something else.
    with pytest.raises(TransitionRefused, match="U\\+202E RIGHT-TO-LEFT OVERRIDE"):
        fire(case, "withdraw", by=actor_for(nyc_clerk), expected_version=1, note="Changed \u202ednim rieht")
    case.refresh_from_db()
    assert (case.status, case.version) == (Status.RECEIVED, 1)


def test_a_note_is_kept_in_nfc_with_line_breaks_as_lf(case, nyc_clerk):
    event = fire(case, "withdraw", by=actor_for(nyc_clerk), expected_version=1, note="Caf\u00e9 talk\r\nNo more ")
    assert event.note == "Café talk\nNo more"


def test_opening_with_a_hidden_character_in_the_note_is_a_field_error(person, nyc_clerk, hq):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        open_case("enquiry", person=person, by=actor_for(nyc_clerk), note="Question\x00")
    assert "U+0000 NULL" in str(raised.value.message_dict["note"][0])
    assert not Case.unscoped.exists()


def test_roles_and_offices_the_table_does_not_name_are_refused(case, nyc_clerk, london_clerk, auditor, hq_officer):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    for outsider in (london_clerk, auditor, hq_officer):
        with pytest.raises(TransitionRefused):
            fire(case, "answer", by=actor_for(outsider), expected_version=2, note="x")
    with pytest.raises(TransitionRefused, match="role"):
        fire(case, "refer_to_hq", by=actor_for(nyc_clerk), expected_version=2, note="Needs HQ")


def test_referral_hands_over_to_hq_and_back_and_the_mission_keeps_reading(case, nyc_clerk, nyc_supervisor,
                                                                          hq_officer, hq):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    fire(case, "refer_to_hq", by=actor_for(nyc_supervisor), expected_version=2, note="Dual nationality question")
    case.refresh_from_db()
    assert case.current_office == hq
    with scope(actor=actor_for(nyc_clerk)):
        assert Case.objects.filter(pk=case.pk).exists(), "the sender keeps read access"
        assert [o.transition.name for o in options_for(case, actor_for(nyc_clerk)) if o.allowed] == []
    with scope(actor=actor_for(hq_officer)):
        assert Case.objects.filter(pk=case.pk, current_office=hq).exists()
    fire(case, "instruct", by=actor_for(hq_officer), expected_version=3, note="Answer: see article 14")
    case.refresh_from_db()
    assert (case.status, case.current_office.code) == (Status.INSTRUCTED, "NYC")


def test_another_office_cannot_see_the_case(case, london_clerk):
    with scope(actor=actor_for(london_clerk)):
        assert not Case.objects.filter(pk=case.pk).exists()


def test_options_explain_why_a_transition_is_not_available(case, nyc_clerk):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    case.refresh_from_db()
    options = {o.transition.name: o.refused_because for o in options_for(case, actor_for(nyc_clerk))}
    assert options["answer"] is None
    assert "role" in options["refer_to_hq"]


def test_hand_over_message_emails_the_receiving_offices_supervisors_once(
    case, nyc_clerk, nyc_supervisor, hq_officer, hq_supervisor, settings
):
    settings.SITE_URL = "https://consular.example"
    hq_officer.email, hq_supervisor.email, nyc_supervisor.email = "hq@example.org", "boss@hq.example", "s@nyc.example"
    for user in (hq_officer, hq_supervisor, nyc_supervisor):
        user.save()
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    event = fire(case, "refer_to_hq", by=actor_for(nyc_supervisor), expected_version=2, note="Question")
    message = OutboxMessage.objects.get(event=event)
    assert relay.relay(message.pk) == "done"
    assert relay.relay(message.pk) == "skipped", "a second relay of the same message does nothing"
    # HQ's supervisor only: not the HQ officers, not the office that handed the case over.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["boss@hq.example"]
    assert case.reference in mail.outbox[0].subject
    assert f"https://consular.example/cases/{case.reference}/" in mail.outbox[0].body


def test_a_handed_over_passport_links_its_application_page_in_the_mail(
    nyc, nyc_clerk, nyc_officer, hq_supervisor, settings, django_capture_on_commit_callbacks
):
    from tests.passports.factories import approve, fee_schedule, submit

    settings.SITE_URL = "https://consular.example"
    hq_supervisor.email = "boss@hq.example"
    hq_supervisor.save()
    fee_schedule()
    with django_capture_on_commit_callbacks(execute=True):
        application = approve(submit(actor_for(nyc_clerk), PersonFactory(created_by_office=nyc)),
                              actor_for(nyc_clerk), actor_for(nyc_officer))
    handed_over = [message for message in mail.outbox if message.to == ["boss@hq.example"]]
    assert len(handed_over) == 1
    assert f"https://consular.example/passports/{application.case.reference}/" in handed_over[0].body


def test_a_failing_handler_retries_then_fails_visibly_and_staff_can_retry(case, monkeypatch, hq_admin):
    from consular.workflow.actions import retry_message

    message = case.outbox.get()
    monkeypatch.setitem(relay.HANDLERS, "case_opened", lambda m: 1 / 0)
    for _ in range(relay.MAX_ATTEMPTS):
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
        relay.relay(message.pk)
    message.refresh_from_db()
    assert message.state == OutboxMessage.State.FAILED and "ZeroDivisionError" in message.last_error
    assert relay.sweep() == 0, "a failed message waits for staff"
    monkeypatch.setitem(relay.HANDLERS, "case_opened", lambda m: None)
    retry_message(message, by=actor_for(hq_admin))
    assert relay.relay(message.pk) == "done"


def test_the_sweep_relays_what_was_never_enqueued(case):
    assert relay.sweep() == 1
    assert case.outbox.get().state == OutboxMessage.State.DONE
    assert relay.sweep() == 0


def test_events_are_append_only(case):
    event = CaseEvent.objects.filter(case=case).first()
    with pytest.raises(TypeError):
        event.save()


def test_a_hand_over_clears_the_assignee_of_the_sending_office(case, nyc_clerk, nyc_supervisor):
    from consular.workflow.actions import take_case

    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    take_case(case, by=actor_for(nyc_supervisor), expected_version=2)
    fire(case, "refer_to_hq", by=actor_for(nyc_supervisor), expected_version=3, note="Question")
    case.refresh_from_db()
    assert case.assignee is None and case.current_office.code == "HQ"
