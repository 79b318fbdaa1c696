"""Each role's home page shows its own work, and every number on it is the number of rows behind its link."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation
from django_scopes import scope

from consular.offices.models import Role
from consular.workflow.actions import assign_case, fire, open_case
from consular.workflow.models import Case, OutboxMessage
from passports import actions
from tests.factories import MembershipFactory, TOTPDeviceFactory
from tests.html import listed_rows
from tests.identity.factories import PersonFactory, actor_for
from tests.passports.factories import approve, fee_schedule, submit

STAFF = ["nyc_clerk", "nyc_officer", "nyc_supervisor", "london_clerk", "osaka_clerk", "hq_officer", "hq_supervisor",
         "hq_admin", "auditor"]


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


def enquiry(office, clerk, *steps, note="x"):
    case = open_case("enquiry", person=PersonFactory(created_by_office=office), by=actor_for(clerk), note=note)
    for step, by in steps:
        fire(case, step, by=actor_for(by), expected_version=case.version, note=note)
    return case


@pytest.fixture
def work(nyc, london, hq, osaka, nyc_clerk, nyc_officer, nyc_supervisor, london_clerk, london_supervisor, hq_officer,
         hq_supervisor, hq_admin, auditor, osaka_clerk):
    """A little of everything at New York, London and HQ: the cases each role's figures count."""
    start, refer, instruct = ("start", nyc_clerk), ("refer_to_hq", nyc_supervisor), ("instruct", hq_officer)
    enquiry(nyc, nyc_clerk)  # new, nobody has it
    assign_case(enquiry(nyc, nyc_clerk, start), to=nyc_officer, by=actor_for(nyc_supervisor), expected_version=2)
    enquiry(nyc, nyc_clerk, start, refer)  # waiting at HQ
    enquiry(nyc, nyc_clerk, start, refer, instruct)  # answered, back at New York
    late = enquiry(nyc, nyc_clerk)
    Case.unscoped.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=2))
    enquiry(nyc, nyc_clerk, ("withdraw", nyc_clerk))  # closed: counted nowhere
    enquiry(london, london_clerk, ("start", london_clerk), ("refer_to_hq", london_supervisor))
    OutboxMessage.objects.filter(case=late).update(state=OutboxMessage.State.FAILED, attempts=5, last_error="x")

    fee_schedule()
    clerk, officer, hq_actor = actor_for(nyc_clerk), actor_for(nyc_officer), actor_for(hq_officer)
    submit(clerk, PersonFactory(created_by_office=nyc))  # to check
    reviewed = submit(clerk, PersonFactory(created_by_office=nyc)).case
    fire(reviewed, "start_review", by=clerk, expected_version=reviewed.version)  # to decide
    approve(submit(clerk, PersonFactory(created_by_office=nyc)), clerk, officer)  # waiting for production
    shipped = [approve(submit(clerk, PersonFactory(created_by_office=nyc)), clerk, officer) for _ in range(2)]
    with scope(actor=hq_actor):
        batch = actions.create_batch(by=hq_actor, application_ids=[application.pk for application in shipped])
        batch = actions.mark_batch_printed(batch, by=hq_actor, expected_version=batch.version)
        actions.dispatch_batch(batch, by=hq_actor, expected_version=batch.version)
    in_production = approve(submit(clerk, PersonFactory(created_by_office=nyc)), clerk, officer)
    with scope(actor=hq_actor):
        actions.create_batch(by=hq_actor, application_ids=[in_production.pk])
    received = shipped[0].case
    received.refresh_from_db()
    actions.receive_shipment([received], by=clerk)


def counted(response) -> list[tuple[str, int, str]]:
    """(what, number, link) for every count on the page that links somewhere: figures and table cells."""
    found = []
    for panel in response.context["panels"]:
        for figure in panel.figures:
            if figure.url and isinstance(figure.value, int):
                found.append((f"{panel.key}: {figure.label}", figure.value, figure.url))
        for cells in (panel.table[1] if panel.table else []):
            for cell in cells:
                if cell.url and isinstance(cell.value, int):
                    found.append((f"{panel.key}: {cells[0].value}", cell.value, cell.url))
    return found


@pytest.mark.parametrize("member", STAFF)
def test_every_number_on_a_home_page_is_the_number_of_rows_its_link_shows(member, request, english, work):
    client = english(request.getfixturevalue(member))
    home = client.get("/")
    assert home.status_code == 200
    mismatches = []
    for what, number, url in counted(home):
        parts = urlsplit(url)
        page = client.get(f"{parts.path}?{parts.query}" if parts.query else parts.path)
        assert page.status_code == 200, (what, url)
        shown = listed_rows(page.text, parts.fragment)
        if shown != number:
            mismatches.append((what, number, url, shown))
    assert not mismatches, mismatches


def figures(response) -> dict[str, object]:
    return {str(figure.label): figure.value for panel in response.context["panels"] for figure in panel.figures}


def tables(response) -> dict[str, list[list]]:
    return {panel.key: [[cell.value for cell in cells] for cells in panel.table[1]]
            for panel in response.context["panels"] if panel.table}


def test_the_clerk_sees_arriving_passports_answered_referrals_and_the_office_queue(english, nyc_clerk, work):
    shown = figures(english(nyc_clerk).get("/"))
    assert shown["Passports on their way to us"] == 1 and shown["Ready for collection"] == 1
    assert shown["Referrals answered by HQ"] == 1 and shown["New applications to check"] == 1
    assert shown["Overdue"] == 1
    # Open cases held here: 4 enquiries (new, assigned, answered, late) and 4 passports (to check, to decide,
    # on the way, ready); not the referral at HQ, not the withdrawn one.
    assert shown["Open cases in my office's queue"] == 8
    assert "Awaiting a decision" not in shown and "Not assigned to anyone" not in shown


def test_the_officer_sees_what_awaits_a_decision_and_their_own_cases(english, nyc_officer, work):
    shown = figures(english(nyc_officer).get("/"))
    assert shown["Awaiting a decision"] == 1 and shown["Assigned to me"] == 1


def test_the_supervisor_sees_overdue_and_unassigned_cases_and_each_persons_caseload(
    english, nyc_supervisor, work
):
    response = english(nyc_supervisor).get("/")
    shown = figures(response)
    assert shown["Overdue"] == 1 and shown["Not assigned to anyone"] == 7 and shown["Failed messages"] == 1
    caseload = {row[0]: row[1:] for row in tables(response)["caseload"]}
    assert caseload == {"Test Nyc_Officer": [1, 0], "Test Nyc_Clerk": [0, 0], "Test Nyc_Supervisor": [0, 0]}


def test_hq_sees_its_production_backlog_and_referrals_by_mission_with_their_age(english, hq_officer, work):
    response = english(hq_officer).get("/")
    shown = figures(response)
    assert shown["Approved, waiting for production"] == 1 and shown["In production"] == 1
    assert shown["Printed batches to dispatch"] == 0 and shown["Referrals waiting for our answer"] == 2
    referrals = tables(response)["referrals"]
    assert [row[:2] for row in referrals] == [["Embassy of Japan in the UK (LON)", 1],
                                              ["Consulate-General of Japan in New York (NYC)", 1]]
    assert all(row[2] == "0 days" for row in referrals)


def test_a_referrals_age_is_the_time_since_it_was_referred(english, hq_officer, work):
    referred = Case.unscoped.get(status="referred", originating_office__code="LON")
    referred.events.filter(to_status="referred").update(at=timezone.now() - timedelta(days=3, hours=1))
    referrals = tables(english(hq_officer).get("/"))["referrals"]
    assert referrals[0][2] == "3 days" and referrals[1][2] == "0 days"


def test_hqs_supervisor_has_hqs_figures_and_caseload(english, hq_supervisor, work):
    response = english(hq_supervisor).get("/")
    assert "Referrals waiting for our answer" in figures(response)
    assert {row[0] for row in tables(response)["caseload"]} == {"Test Hq_Officer", "Test Hq_Supervisor"}


def test_the_administrator_sees_the_system_and_no_caseload(english, hq_admin, work):
    response = english(hq_admin).get("/")
    shown = figures(response)
    assert shown["Failed messages"] == 1 and "Worker last seen" in shown and "Active API clients" in shown
    assert "Open cases in my office's queue" not in shown


def test_the_auditor_sees_the_audit_log_first(english, auditor, work):
    response = english(auditor).get("/")
    assert response.context["panels"][0].key == "audit"
    assert "Open cases in my office's queue" not in figures(response)


@pytest.mark.parametrize("member", ["nyc_clerk", "nyc_supervisor", "hq_officer", "hq_supervisor", "hq_admin"])
def test_a_home_page_costs_the_same_queries_however_much_work_there_is(
    member, request, english, nyc, london, nyc_clerk, nyc_officer, nyc_supervisor, london_clerk, london_supervisor,
    hq_officer, django_assert_max_num_queries,
):
    client = english(request.getfixturevalue(member))
    client.get("/")  # warm the session
    start, refer = ("start", nyc_clerk), ("refer_to_hq", nyc_supervisor)
    enquiry(nyc, nyc_clerk, start, refer)
    assign_case(enquiry(nyc, nyc_clerk, start), to=nyc_officer, by=actor_for(nyc_supervisor), expected_version=2)
    with django_assert_max_num_queries(30) as few:
        assert client.get("/").status_code == 200
    for _more in range(6):
        enquiry(nyc, nyc_clerk, start, refer)
        enquiry(london, london_clerk, ("start", london_clerk), ("refer_to_hq", london_supervisor))
        helper = MembershipFactory(office=nyc, role=Role.CLERK).user
        TOTPDeviceFactory(user=helper)
        assign_case(enquiry(nyc, nyc_clerk, start), to=helper, by=actor_for(nyc_supervisor), expected_version=2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/").status_code == 200
