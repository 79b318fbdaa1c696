"""A case's history and its follow-up messages read in the reader's language: no step, role or kind as a code."""

import re

import pytest
from django.utils import translation

from consular.offices.models import Role
from consular.workflow import relay
from consular.workflow.actions import fire, open_case
from consular.workflow.enquiries import Status
from consular.workflow.models import OutboxMessage
from consular.workflow.transitions import CASE_TYPES, CaseType, Transition
from tests.identity.factories import PersonFactory, actor_for
from tests.passports.factories import approve, fee_schedule, submit

CODE_LIKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def timeline_of(page: str) -> str:
    return page[page.index('id="timeline-heading"'):page.index("</section>", page.index('id="timeline-heading"'))]


def test_a_passport_timeline_names_every_step_status_role_and_person_in_japanese(
    signed_in, nyc, hq, nyc_clerk, nyc_officer
):
    fee_schedule()
    clerk, officer = actor_for(nyc_clerk), actor_for(nyc_officer)
    application = approve(submit(clerk, PersonFactory(created_by_office=nyc)), clerk, officer)

    page = signed_in(nyc_clerk).get(f"/passports/{application.case.reference}/", HTTP_ACCEPT_LANGUAGE="ja")
    timeline = timeline_of(page.content.decode())

    for step in ("受付", "審査を開始", "発給を決定"):
        assert f"<td>{step}</td>" in timeline
    assert "審査中" in timeline and "事務職員" in timeline and "領事官" in timeline
    assert 'title="nyc_officer">Test Nyc_Officer<' in timeline
    codes = set(CODE_LIKE.findall(re.sub(r"<[^>]+>", " ", timeline))) - {"nyc_clerk", "nyc_officer"}
    assert not codes


def test_an_enquiry_timeline_in_english_names_its_steps(signed_in, nyc, hq, nyc_clerk):
    case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    with translation.override("en"):
        steps = [item["step"] for item in case.timeline()]
        roles = {item["role"] for item in case.timeline()}
    assert steps == ["Opened", "Start work"] and roles == {"Clerk"}


def test_the_timeline_asks_for_names_once_whatever_its_length(nyc, hq, nyc_clerk, django_assert_num_queries):
    case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    fire(case, "answer", by=actor_for(nyc_clerk), expected_version=2, note="Answered by phone")
    with django_assert_num_queries(2):  # the events with their offices, then the names
        case.timeline()


def test_every_registered_step_has_a_label_of_its_own():
    for case_type in CASE_TYPES.values():
        for transition in case_type.transitions:
            assert case_type.step_label(transition.name) != transition.name, (case_type.code, transition.name)


def test_a_case_type_with_an_unlabelled_transition_is_refused_when_it_is_declared():
    with pytest.raises(ValueError, match="needs a label"):
        CaseType(code="x", reference_prefix="X", label="x", statuses=Status, initial_status=Status.RECEIVED,
                 transitions=(Transition("start", (Status.RECEIVED,), Status.IN_PROGRESS,
                                         roles=frozenset({Role.CLERK})),))


def test_every_message_kind_a_transition_writes_has_a_label():
    kinds = {kind for case_type in CASE_TYPES.values() for transition in case_type.transitions
             for kind in transition.messages} | {"case_opened"}
    for kind in kinds:
        assert relay.kind_label(kind) != kind


def test_failed_messages_are_named_in_the_readers_language(signed_in, nyc, hq, nyc_clerk):
    case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    OutboxMessage.objects.filter(case=case).update(state=OutboxMessage.State.FAILED, last_error="boom")
    client = signed_in(nyc_clerk)
    for url in ("/cases/operations/", f"/cases/{case.reference}/"):
        text = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert "案件の受付" in text and "case_opened" not in text, url
