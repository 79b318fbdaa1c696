"""Moving many cases by one transition: the same rules and records as fire(), a fixed number of queries."""

import pytest
from django.utils import translation

from consular.versions import StaleVersion
from consular.workflow.actions import TransitionRefused, fire_many, open_case
from consular.workflow.enquiries import Status
from consular.workflow.models import Case, CaseAccess, CaseEvent, OutboxMessage
from tests.identity.factories import actor_for


@pytest.fixture(autouse=True)
def _reasons_in_english():
    with translation.override("en"):
        yield


def opened(count, person, user) -> list[Case]:
    return [open_case("enquiry", person=person, by=actor_for(user)) for _ in range(count)]


def test_every_case_moves_with_one_event_and_one_message(person, nyc_clerk, hq):
    cases = opened(3, person, nyc_clerk)

    events = fire_many(cases, "start", by=actor_for(nyc_clerk), note="Batch start")

    assert len(events) == 3
    assert set(Case.unscoped.values_list("status", "version")) == {(Status.IN_PROGRESS, 2)}
    assert CaseEvent.objects.filter(transition="start", note="Batch start").count() == 3
    assert OutboxMessage.objects.filter(kind="case_moved").count() == 3
    assert [case.version for case in cases] == [2, 2, 2]


def test_a_hand_over_moves_each_case_to_its_office_and_keeps_the_senders_access(
    person, nyc_clerk, nyc_supervisor, hq
):
    cases = opened(2, person, nyc_clerk)
    fire_many(cases, "start", by=actor_for(nyc_clerk))

    fire_many(cases, "refer_to_hq", by=actor_for(nyc_supervisor), note="Needs HQ")

    assert set(Case.unscoped.values_list("current_office__code", "status")) == {("HQ", Status.REFERRED)}
    assert CaseAccess.objects.filter(office=hq).count() == 2
    assert CaseAccess.objects.filter(office__code="NYC").count() == 2


def test_one_refused_case_moves_none_and_is_named(person, nyc_clerk, hq):
    cases = opened(3, person, nyc_clerk)
    Case.unscoped.filter(pk=cases[1].pk).update(status=Status.CLOSED)

    with pytest.raises(TransitionRefused, match=cases[1].reference):
        fire_many(cases, "start", by=actor_for(nyc_clerk))

    assert not Case.unscoped.filter(status=Status.IN_PROGRESS).exists()
    assert CaseEvent.objects.filter(transition="start").count() == 0


def test_a_case_changed_since_it_was_read_moves_none(person, nyc_clerk, hq):
    cases = opened(2, person, nyc_clerk)
    Case.unscoped.filter(pk=cases[0].pk).update(version=5)

    with pytest.raises(StaleVersion):
        fire_many(cases, "start", by=actor_for(nyc_clerk))

    assert not Case.unscoped.filter(status=Status.IN_PROGRESS).exists()


def test_the_queries_do_not_grow_with_the_number_of_cases(person, nyc_clerk, hq, django_assert_max_num_queries):
    few, many = opened(2, person, nyc_clerk), opened(20, person, nyc_clerk)
    with django_assert_max_num_queries(30) as first:
        fire_many(few, "start", by=actor_for(nyc_clerk))

    with django_assert_max_num_queries(len(first.captured_queries)):
        fire_many(many, "start", by=actor_for(nyc_clerk))


def test_nothing_to_move_is_no_work(nyc_clerk):
    assert fire_many([], "start", by=actor_for(nyc_clerk)) == []
