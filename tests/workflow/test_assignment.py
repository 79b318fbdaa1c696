"""A supervisor assigns a case, or the ticked cases of a queue, to a member of their office."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from consular.audit.models import AuditEntry
from consular.offices.models import Role
from consular.versions import StaleVersion
from consular.workflow.actions import TransitionRefused, assign_case, assign_cases, open_case, take_case
from consular.workflow.models import Case
from consular.workflow.queues import caseload
from tests.factories import MembershipFactory
from tests.identity.factories import PersonFactory, actor_for


@pytest.fixture(autouse=True)
def _pages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def english(signed_in):
    def sign_in(user):
        client = signed_in(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


@pytest.fixture
def cases(nyc, nyc_clerk, hq):
    by = actor_for(nyc_clerk)
    return [open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=by) for _ in range(3)]


def versions(cases) -> dict[int, int]:
    return {case.pk: Case.unscoped.get(pk=case.pk).version for case in cases}


# The actions


def test_a_supervisor_assigns_cases_to_a_member_of_the_office_audited_case_by_case(
    cases, nyc_supervisor, nyc_officer
):
    changed = assign_cases(versions(cases[:2]), to=nyc_officer, by=actor_for(nyc_supervisor))

    assert changed == 2
    assert [Case.unscoped.get(pk=case.pk).assignee for case in cases] == [nyc_officer, nyc_officer, None]
    assert {Case.unscoped.get(pk=case.pk).version for case in cases[:2]} == {2}
    entries = AuditEntry.unscoped.filter(changes__assignee=[None, "nyc_officer"], username="nyc_supervisor")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(str(case.pk) for case in cases[:2])


def test_assigning_to_the_person_who_has_it_changes_nothing(cases, nyc_supervisor, nyc_officer):
    assign_case(cases[0], to=nyc_officer, by=actor_for(nyc_supervisor), expected_version=1)
    assert assign_cases(versions(cases[:1]), to=nyc_officer, by=actor_for(nyc_supervisor)) == 0
    assert Case.unscoped.get(pk=cases[0].pk).version == 2


@pytest.mark.parametrize("who", ["nyc_clerk", "nyc_officer", "auditor", "hq_officer"])
def test_only_supervisors_assign(cases, nyc_officer, who, request):
    with pytest.raises(TransitionRefused, match="Only supervisors"):
        assign_cases(versions(cases), to=nyc_officer, by=actor_for(request.getfixturevalue(who)))
    assert not Case.unscoped.filter(assignee__isnull=False).exists()


def test_a_stale_case_in_the_selection_assigns_none_of_them(cases, nyc_supervisor, nyc_officer, nyc_clerk):
    seen = versions(cases)
    take_case(cases[1], by=actor_for(nyc_clerk), expected_version=seen[cases[1].pk])

    with pytest.raises(StaleVersion):
        assign_cases(seen, to=nyc_officer, by=actor_for(nyc_supervisor))

    assert [Case.unscoped.get(pk=case.pk).assignee for case in cases] == [None, nyc_clerk, None]
    assert not AuditEntry.unscoped.filter(username="nyc_supervisor").exists()


def test_another_offices_supervisor_cannot_assign_and_nothing_changes(cases, london_supervisor, london_clerk):
    with pytest.raises(TransitionRefused, match="held by another office"):
        assign_cases(versions(cases), to=london_clerk, by=actor_for(london_supervisor))
    assert not Case.unscoped.filter(assignee__isnull=False).exists()


def test_the_assignee_must_be_a_current_caseworker_of_the_office(
    cases, nyc, nyc_supervisor, london_clerk, auditor, nyc_officer
):
    supervisor = actor_for(nyc_supervisor)
    former = MembershipFactory(office=nyc, role=Role.CLERK, starts_on=date(2020, 1, 1), ends_on=date(2021, 1, 1)).user
    administrator = MembershipFactory(office=nyc, role=Role.ADMINISTRATOR).user
    nyc_officer.is_active = False
    nyc_officer.save()
    for outsider in (london_clerk, former, administrator, auditor, nyc_officer):
        with pytest.raises(TransitionRefused, match="current member of the office who works on cases"):
            assign_cases(versions(cases), to=outsider, by=supervisor)
    assert not Case.unscoped.filter(assignee__isnull=False).exists()


def test_a_closed_case_is_not_assigned(cases, nyc_supervisor, nyc_officer):
    Case.unscoped.filter(pk=cases[0].pk).update(closed_at=timezone.now(), status="closed")
    with pytest.raises(TransitionRefused, match="closed"):
        assign_cases(versions(cases), to=nyc_officer, by=actor_for(nyc_supervisor))
    assert not Case.unscoped.filter(assignee__isnull=False).exists()


def test_caseload_counts_each_persons_open_and_overdue_cases_and_those_who_left(
    cases, nyc, nyc_supervisor, nyc_officer, nyc_clerk
):
    supervisor = actor_for(nyc_supervisor)
    assign_cases(versions(cases[:2]), to=nyc_officer, by=supervisor)
    assign_cases(versions(cases[2:]), to=nyc_clerk, by=supervisor)
    Case.unscoped.filter(pk=cases[0].pk).update(due_at=timezone.now() - timedelta(hours=1))
    nyc_clerk.memberships.update(ends_on=date(2020, 1, 1), starts_on=date(2019, 1, 1))

    loads = {load.username: (load.open, load.overdue, load.member) for load in caseload(nyc)}

    assert loads == {"nyc_officer": (2, 1, True), "nyc_supervisor": (0, 0, True), "nyc_clerk": (1, 0, False)}


# The case page


def detail(case: Case) -> str:
    return f"/cases/{case.reference}/"


def test_a_supervisor_assigns_from_the_case_page_and_sees_each_persons_caseload(
    english, cases, nyc_supervisor, nyc_officer
):
    client = english(nyc_supervisor)
    assign_case(cases[1], to=nyc_officer, by=actor_for(nyc_supervisor), expected_version=1)
    page = client.get(detail(cases[0])).text
    assert "Test Nyc_Officer (1 open case)" in page and "Test Nyc_Supervisor (0 open cases)" in page

    response = client.post(detail(cases[0]), {"form": "assign", "assign-assignee": nyc_officer.pk,
                                              "assign-version": 1}, follow=True)

    assert response.redirect_chain[-1][0] == detail(cases[0])
    assert "The case is now assigned to Test Nyc_Officer." in response.text
    assert Case.unscoped.get(pk=cases[0].pk).assignee == nyc_officer


def test_a_stale_assignment_on_the_case_page_is_a_conflict_that_keeps_the_choice(
    english, cases, nyc_supervisor, nyc_officer, nyc_clerk
):
    take_case(cases[0], by=actor_for(nyc_clerk), expected_version=1)

    response = english(nyc_supervisor).post(detail(cases[0]), {"form": "assign", "assign-assignee": nyc_officer.pk,
                                                               "assign-version": 1})

    assert response.status_code == 409
    assert "it is now assigned to Test Nyc_Clerk" in response.text
    assert f'<option value="{nyc_officer.pk}" selected>' in response.text
    assert 'name="assign-version" value="2"' in response.text
    assert Case.unscoped.get(pk=cases[0].pk).assignee == nyc_clerk


def test_a_clerk_sees_no_assignment_form_and_cannot_post_one(english, cases, nyc_clerk, nyc_officer):
    client = english(nyc_clerk)
    assert 'value="assign"' not in client.get(detail(cases[0])).text
    response = client.post(detail(cases[0]), {"form": "assign", "assign-assignee": nyc_officer.pk,
                                              "assign-version": 1})
    assert response.status_code == 403
    assert Case.unscoped.get(pk=cases[0].pk).assignee is None


def test_another_offices_case_cannot_be_assigned_from_its_page(english, cases, london_supervisor, london_clerk):
    response = english(london_supervisor).post(detail(cases[0]), {"form": "assign", "assign-assignee": london_clerk.pk,
                                                                  "assign-version": 1})
    assert response.status_code == 404
    assert Case.unscoped.get(pk=cases[0].pk).assignee is None


# The queue


def tick(case: Case) -> str:
    return f"{case.pk}:{Case.unscoped.get(pk=case.pk).version}"


def test_a_supervisor_assigns_the_ticked_cases_from_the_queue(english, cases, nyc_supervisor, nyc_officer):
    client = english(nyc_supervisor)
    page = client.get("/cases/?sort=oldest")
    assert page.status_code == 200 and f'value="{tick(cases[0])}"' in page.text

    response = client.post("/cases/?sort=oldest", {"assign-cases": [tick(cases[0]), tick(cases[2])],
                                                   "assign-assignee": nyc_officer.pk}, follow=True)

    assert response.redirect_chain == [("/cases/?sort=oldest", 302)]
    assert "2 cases assigned to Test Nyc_Officer." in response.text
    assert [Case.unscoped.get(pk=case.pk).assignee for case in cases] == [nyc_officer, None, nyc_officer]


def test_a_stale_selection_is_a_conflict_that_keeps_the_ticks_and_the_person(
    english, cases, nyc_supervisor, nyc_officer, nyc_clerk
):
    client = english(nyc_supervisor)
    ticked = [tick(cases[0]), tick(cases[1])]
    take_case(cases[1], by=actor_for(nyc_clerk), expected_version=1)

    response = client.post("/cases/", {"assign-cases": ticked, "assign-assignee": nyc_officer.pk})

    assert response.status_code == 409
    assert "Nothing was saved" in response.text
    assert f'value="{ticked[0]}" id="tick-{cases[0].pk}" checked' in response.text
    assert f'<option value="{nyc_officer.pk}" selected>' in response.text
    assert [Case.unscoped.get(pk=case.pk).assignee for case in cases] == [None, nyc_clerk, None]


def test_a_ticked_case_of_another_office_assigns_nothing(english, cases, nyc_supervisor, nyc_officer, london):
    stranger = open_case("enquiry", person=PersonFactory(created_by_office=london),
                         by=actor_for(MembershipFactory(office=london, role=Role.CLERK).user))

    response = english(nyc_supervisor).post("/cases/", {"assign-cases": [tick(cases[0]), tick(stranger)],
                                                        "assign-assignee": nyc_officer.pk})

    assert response.status_code == 409
    assert not Case.unscoped.filter(assignee__isnull=False).exists()


def test_nothing_ticked_or_nobody_chosen_is_a_clear_400(english, cases, nyc_supervisor, nyc_officer):
    client = english(nyc_supervisor)
    response = client.post("/cases/", {"assign-assignee": nyc_officer.pk})
    assert response.status_code == 400 and "Tick at least one case." in response.text
    response = client.post("/cases/", {"assign-cases": [tick(cases[0])], "assign-assignee": ""})
    assert response.status_code == 400
    response = client.post("/cases/", {"assign-cases": ["1:x"], "assign-assignee": nyc_officer.pk})
    assert response.status_code == 400
    assert not Case.unscoped.filter(assignee__isnull=False).exists()


def test_only_supervisors_see_ticks_and_may_post_them(english, cases, nyc_clerk, nyc_officer):
    client = english(nyc_clerk)
    assert 'name="assign-cases"' not in client.get("/cases/").text
    assert client.post("/cases/", {"assign-cases": [tick(cases[0])],
                                   "assign-assignee": nyc_officer.pk}).status_code == 403
    assert not Case.unscoped.filter(assignee__isnull=False).exists()


def test_a_supervisor_filters_the_queue_by_person_and_by_nobody(english, cases, nyc_supervisor, nyc_officer):
    assign_case(cases[0], to=nyc_officer, by=actor_for(nyc_supervisor), expected_version=1)
    client = english(nyc_supervisor)
    theirs = client.get("/cases/", {"assignee": nyc_officer.pk}).context["rows"]
    nobodys = client.get("/cases/", {"assignee": "none"}).context["rows"]
    assert [row["id"] for row in theirs] == [cases[0].pk]
    assert sorted(row["id"] for row in nobodys) == sorted(case.pk for case in cases[1:])


def test_a_queue_answers_only_reads_and_assignments(english, cases, nyc_supervisor):
    client = english(nyc_supervisor)
    assert client.put("/cases/").status_code == 405 and client.delete("/cases/mine/").status_code == 405
