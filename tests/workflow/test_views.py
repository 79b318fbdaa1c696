"""Work queues, opening an enquiry, the case page with its transitions, and failed messages."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from consular.audit.models import AuditEntry
from consular.workflow.actions import fire, open_case
from consular.workflow.enquiries import Status
from consular.workflow.models import Case, CaseAccess, CaseEvent, OutboxMessage
from tests.identity.factories import PersonFactory, actor_for

QUEUE = "/cases/"


@pytest.fixture(autouse=True)
def _pages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def english(signed_in):
    """`signed_in`, with the browser asking for English pages (Japanese is the default)."""

    def sign_in(user):
        client = signed_in(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


@pytest.fixture
def case(person, nyc_clerk, hq):
    return open_case("enquiry", person=person, by=actor_for(nyc_clerk), note="Asks about renewing abroad")


def detail(case: Case) -> str:
    return f"/cases/{case.reference}/"


def make_cases(count: int, person, office, **fields) -> list[Case]:
    """Cases straight into the table: the queue tests need rows, not their history.

    With the access rows open_case and the hand-overs write: the originating office's, and
    the holding office's (every office that holds or held a case has one).
    """
    now = timezone.now()
    start = Case.unscoped.count()
    originating = fields.get("originating_office", office)
    cases = Case.unscoped.bulk_create(
        Case(reference=f"E-2026-{office.code}-{start + number:06d}", case_type="enquiry", person=person,
             current_office=office, originating_office=originating,
             status=fields.get("status", Status.RECEIVED), submitted_at=now - timedelta(minutes=number),
             due_at=fields.get("due_at"))
        for number in range(1, count + 1)
    )
    CaseAccess.objects.bulk_create(
        CaseAccess(case=case, office=holder, submitted_at=case.submitted_at)
        for case in cases for holder in {originating, office}
    )
    return cases


def refer_to_hq(case: Case, nyc_clerk, nyc_supervisor) -> Case:
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=case.version)
    fire(case, "refer_to_hq", by=actor_for(nyc_supervisor), expected_version=case.version, note="Needs HQ")
    return case


# Queues


def test_queue_lists_the_cases_held_by_my_office(english, nyc_clerk, case):
    response = english(nyc_clerk).get(QUEUE)
    assert response.status_code == 200
    assert case.reference in response.text and "YAMADA HANAKO" in response.text


def test_queue_never_shows_another_office_s_cases(english, london_clerk, case):
    response = english(london_clerk).get(QUEUE)
    assert response.status_code == 200
    assert case.reference not in response.text


def test_queue_filters_by_status_and_case_type(english, nyc_clerk, person, nyc):
    received, in_progress = make_cases(2, person, nyc)
    Case.unscoped.filter(pk=in_progress.pk).update(status=Status.IN_PROGRESS)
    response = english(nyc_clerk).get(QUEUE, {"status": "enquiry:in_progress", "case_type": "enquiry"})
    assert in_progress.reference in response.text and received.reference not in response.text


def test_unknown_filter_value_is_a_clear_400(english, nyc_clerk, case):
    response = english(nyc_clerk).get(QUEUE, {"status": "lost"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.text


def test_queue_sorts_by_reference(english, nyc_clerk, person, nyc):
    cases = make_cases(3, person, nyc)
    text = english(nyc_clerk).get(QUEUE, {"sort": "reference"}).text
    positions = [text.index(case.reference) for case in cases]
    assert positions == sorted(positions)


def test_queue_sorts_by_due_date_with_undated_cases_last(english, nyc_clerk, person, nyc):
    soon, later = make_cases(2, person, nyc, due_at=timezone.now() + timedelta(days=1))
    Case.unscoped.filter(pk=later.pk).update(due_at=timezone.now() + timedelta(days=9))
    (undated,) = make_cases(1, person, nyc)
    text = english(nyc_clerk).get(QUEUE, {"sort": "due"}).text
    assert text.index(soon.reference) < text.index(later.reference) < text.index(undated.reference)


def test_next_page_continues_after_the_last_row_without_repeats(english, nyc_clerk, person, nyc):
    cases = make_cases(53, person, nyc)
    client = english(nyc_clerk)
    first = client.get(QUEUE, {"sort": "oldest"})
    link = first.context["next_query"]
    assert link
    second = client.get(f"{QUEUE}?{link}")
    shown = [row["reference"] for row in first.context["rows"]] + [row["reference"] for row in second.context["rows"]]
    assert sorted(shown) == sorted(case.reference for case in cases)
    assert len(set(shown)) == 53 and not second.context["next_query"]


def test_garbled_page_link_is_a_clear_400(english, nyc_clerk, case):
    response = english(nyc_clerk).get(QUEUE, {"after": "not-a-cursor"})
    assert response.status_code == 400
    assert "not valid any more" in response.text


@pytest.mark.parametrize("url", [QUEUE, "/cases/overdue/", "/cases/referred/", "/cases/answered/", "/cases/mine/"])
def test_queue_pages_cost_the_same_queries_at_1_and_50_rows_and_never_count(
    english, nyc_clerk, person, nyc, hq, django_assert_max_num_queries, url
):
    client = english(nyc_clerk)
    status = Status.INSTRUCTED if url == "/cases/answered/" else Status.REFERRED
    fields = {"due_at": timezone.now() - timedelta(days=1), "originating_office": hq, "status": status}
    make_cases(1, person, nyc, **fields)
    Case.unscoped.update(assignee=nyc_clerk)
    client.get(url)  # warm the session and caches
    with django_assert_max_num_queries(15) as one:
        assert len(client.get(url).context["rows"]) == 1
    make_cases(49, person, nyc, **fields)
    Case.unscoped.update(assignee=nyc_clerk)
    with django_assert_max_num_queries(len(one.captured_queries)) as fifty:
        assert len(client.get(url).context["rows"]) == 50
    assert not [q["sql"] for q in fifty.captured_queries if "COUNT(" in q["sql"].upper()]


def test_overdue_lists_open_cases_past_their_due_date(english, nyc_clerk, person, nyc):
    (late,) = make_cases(1, person, nyc, due_at=timezone.now() - timedelta(hours=1))
    (on_time,) = make_cases(1, person, nyc, due_at=timezone.now() + timedelta(days=3))
    (closed,) = make_cases(1, person, nyc, due_at=timezone.now() - timedelta(hours=1))
    Case.unscoped.filter(pk=closed.pk).update(closed_at=timezone.now(), status=Status.CLOSED)
    text = english(nyc_clerk).get("/cases/overdue/").text
    assert late.reference in text
    assert on_time.reference not in text and closed.reference not in text


def test_my_cases_lists_only_cases_assigned_to_me(english, nyc_clerk, nyc_supervisor, person, nyc):
    mine, theirs = make_cases(2, person, nyc)
    Case.unscoped.filter(pk=mine.pk).update(assignee=nyc_clerk)
    Case.unscoped.filter(pk=theirs.pk).update(assignee=nyc_supervisor)
    text = english(nyc_clerk).get("/cases/mine/").text
    assert mine.reference in text and theirs.reference not in text


def test_referred_to_us_lists_cases_handed_over_from_another_office(
    english, nyc_clerk, nyc_supervisor, hq_officer, case
):
    refer_to_hq(case, nyc_clerk, nyc_supervisor)
    assert case.reference in english(hq_officer).get("/cases/referred/").text
    assert case.reference not in english(nyc_clerk).get("/cases/referred/").text
    assert case.reference not in english(nyc_clerk).get(QUEUE).text


def test_queue_page_records_which_persons_were_listed(english, nyc_clerk, case):
    english(nyc_clerk).get(QUEUE)
    entry = AuditEntry.objects.filter(object_repr="case queue: queue").get()
    assert entry.username == "nyc_clerk" and entry.changes == {"persons": str(case.person_id)}


# Opening an enquiry


def test_clerk_finds_the_person_and_opens_an_enquiry(english, nyc_clerk, person, hq):
    client = english(nyc_clerk)
    found = client.post("/cases/new/enquiry/", {"find": "1", "q": f"{person.family_name} {person.given_names}"})
    assert found.status_code == 200
    assert f"/cases/new/enquiry/?person={person.pk}" in found.text
    form = client.get("/cases/new/enquiry/", {"person": person.pk})
    assert f'value="{person.pk}"' in form.text and person.family_name in form.text
    response = client.post("/cases/new/enquiry/", {"person": person.pk, "note": "Asks about voting abroad"})
    case = Case.unscoped.get()
    assert response.status_code == 302 and response["Location"] == detail(case)
    assert (case.person, case.status, case.events.get().note) == (person, Status.RECEIVED, "Asks about voting abroad")


def test_enquiry_search_finds_only_persons_the_office_may_see(english, nyc_clerk, person, london):
    stranger = PersonFactory(created_by_office=london, family_name=person.family_name)
    found = english(nyc_clerk).post("/cases/new/enquiry/", {"find": "1", "q": person.family_name})
    assert f"?person={person.pk}" in found.text and f"?person={stranger.pk}" not in found.text
    assert AuditEntry.unscoped.filter(object_repr="person search", username="nyc_clerk").exists()


def test_enquiry_search_refuses_a_bad_date_of_birth_clearly(english, nyc_clerk, person):
    response = english(nyc_clerk).post("/cases/new/enquiry/", {"find": "1", "q": "SATO", "date_of_birth": "May"})
    assert response.status_code == 400 and "YYYY-MM-DD" in response.text


def test_enquiry_for_another_office_s_person_is_a_404_and_saves_nothing(english, nyc_clerk, london):
    stranger = PersonFactory(created_by_office=london)
    assert english(nyc_clerk).get("/cases/new/enquiry/", {"person": stranger.pk}).status_code == 404
    response = english(nyc_clerk).post("/cases/new/enquiry/", {"person": stranger.pk, "note": "Question"})
    assert response.status_code == 404
    assert not Case.unscoped.exists()


def test_enquiry_without_a_note_is_refused_and_saves_nothing(english, nyc_clerk, person):
    response = english(nyc_clerk).post("/cases/new/enquiry/", {"person": person.pk, "note": ""})
    assert response.status_code == 400
    assert not Case.unscoped.exists()


def test_enquiry_with_a_hidden_character_is_refused_next_to_the_note(english, nyc_clerk, person):
    response = english(nyc_clerk).post("/cases/new/enquiry/", {"person": person.pk, "note": "Visa\u2066 question"})
    assert response.status_code == 400
    assert "U+2066 LEFT-TO-RIGHT ISOLATE" in response.text
    assert not Case.unscoped.exists()


def test_auditor_cannot_open_an_enquiry(english, auditor, person):
    assert english(auditor).get("/cases/new/enquiry/").status_code == 403
    assert english(auditor).post("/cases/new/enquiry/", {"person": person.pk, "note": "x"}).status_code == 403
    assert not Case.unscoped.exists()


# The case page


def test_case_page_shows_person_timeline_and_what_the_viewer_may_do(english, nyc_clerk, case):
    response = english(nyc_clerk).get(detail(case))
    assert response.status_code == 200
    text = response.text
    assert "YAMADA HANAKO" in text and "Asks about renewing abroad" in text
    assert 'name="transition" value="start"' in text and 'name="transition" value="withdraw"' in text
    assert f'name="version" value="{case.version}"' in text


def test_case_page_explains_why_a_step_is_not_available(english, nyc_clerk, case):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    text = english(nyc_clerk).get(detail(case)).text
    assert "Refer to HQ" in text and "Your role cannot do this." in text
    assert 'name="transition" value="refer_to_hq"' not in text


def test_case_page_shows_times_in_the_office_s_time_zone(english, nyc_clerk, case):
    text = english(nyc_clerk).get(detail(case)).text
    local = case.events.get().at.astimezone(case.current_office.zone)
    assert local.strftime("%Y-%m-%d %H:%M") in text


def test_case_page_records_the_read_of_the_person(english, nyc_clerk, case):
    english(nyc_clerk).get(detail(case))
    assert AuditEntry.objects.filter(action="read", object_type="identity.person",
                                     object_id=str(case.person_id), username="nyc_clerk").exists()


def test_other_office_case_is_404(english, london_clerk, case):
    client = english(london_clerk)
    assert client.get(detail(case)).status_code == 404
    assert client.post(detail(case), {"form": "transition", "transition": "start", "version": 1}).status_code == 404
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_firing_moves_the_case_and_returns_to_it(english, nyc_clerk, case):
    response = english(nyc_clerk).post(detail(case), {"form": "transition", "transition": "start", "version": 1,
                                                        "note": " Called "}, follow=True)
    case.refresh_from_db()
    assert (case.status, case.version) == (Status.IN_PROGRESS, 2)
    assert case.events.last().note == "Called"
    assert response.redirect_chain[-1][0] == detail(case)
    assert "The case is now “In progress”" in response.text


def test_stale_version_is_a_conflict_that_keeps_the_typed_note(english, nyc_clerk, nyc_officer, case):
    fire(case, "start", by=actor_for(nyc_officer), expected_version=1)
    response = english(nyc_clerk).post(detail(case), {"form": "transition", "transition": "withdraw", "version": 1,
                                                        "note": "Citizen phoned to withdraw", "confirm": "on"})
    assert response.status_code == 409
    assert "Someone else moved this case" in response.text
    assert "Citizen phoned to withdraw" in response.text
    assert 'name="version" value="2"' in response.text
    case.refresh_from_db()
    assert (case.status, case.events.count()) == (Status.IN_PROGRESS, 2)


def test_refused_transition_shows_the_reason_and_saves_nothing(english, nyc_clerk, nyc_supervisor, case):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    response = english(nyc_supervisor).post(detail(case), {"form": "transition", "transition": "refer_to_hq",
                                                             "version": 2, "note": ""})
    assert response.status_code == 400
    assert "A note is required." in response.text
    case.refresh_from_db()
    assert (case.status, case.version, case.events.count()) == (Status.IN_PROGRESS, 2, 2)


def test_unknown_transition_is_refused_and_saves_nothing(english, nyc_clerk, case):
    response = english(nyc_clerk).post(detail(case), {"form": "transition", "transition": "approve", "version": 1})
    assert response.status_code == 400
    assert "is not a step of this kind of case" in response.text
    assert CaseEvent.objects.count() == 1


def test_garbled_version_is_a_400_and_saves_nothing(english, nyc_clerk, case):
    response = english(nyc_clerk).post(detail(case), {"form": "transition", "transition": "start", "version": "abc"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.version == 1


def test_auditor_reads_the_case_but_cannot_fire(english, auditor, case):
    client = english(auditor)
    page = client.get(detail(case))
    assert page.status_code == 200 and "Auditors have read-only access." in page.text
    assert 'name="transition"' not in page.text
    assert client.post(detail(case), {"form": "transition", "transition": "start", "version": 1}).status_code == 403
    case.refresh_from_db()
    assert case.version == 1


def test_referring_office_still_reads_the_case_after_handing_it_over(english, nyc_clerk, nyc_supervisor, case):
    response = english(nyc_clerk).post(detail(case), {"form": "transition", "transition": "start", "version": 1})
    response = english(nyc_supervisor).post(detail(case), {"form": "transition", "transition": "refer_to_hq",
                                                             "version": 2, "note": "Needs HQ"}, follow=True)
    assert response.status_code == 200
    assert "The case is held by another office." in response.text


# Failed messages


@pytest.fixture
def failed_message(case) -> OutboxMessage:
    message = case.outbox.get()
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.FAILED, attempts=5,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    message.refresh_from_db()
    return message


def test_failed_message_shows_on_the_case_with_its_error(english, nyc_clerk, failed_message, case):
    text = english(nyc_clerk).get(detail(case)).text
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in text
    assert 'name="message"' not in text  # clerks see it; supervisors retry it


def test_supervisor_retries_a_failed_message_from_the_case(english, nyc_supervisor, failed_message, case):
    response = english(nyc_supervisor).post(detail(case), {"form": "retry", "message": failed_message.pk})
    assert response.status_code == 302
    failed_message.refresh_from_db()
    # Back in the relay's hands from the first attempt (it is enqueued once the request commits).
    assert (failed_message.state, failed_message.attempts) == (OutboxMessage.State.PENDING, 0)


def test_clerk_cannot_retry_a_failed_message(english, nyc_clerk, failed_message, case):
    assert english(nyc_clerk).post(detail(case), {"form": "retry", "message": failed_message.pk}).status_code == 403
    failed_message.refresh_from_db()
    assert failed_message.state == OutboxMessage.State.FAILED


def test_operations_page_lists_failed_messages_of_visible_cases(english, nyc_clerk, london_clerk, failed_message):
    assert "SMTPServerDisconnected" in english(nyc_clerk).get("/cases/operations/").text
    assert "SMTPServerDisconnected" not in english(london_clerk).get("/cases/operations/").text


def test_administrator_retries_from_the_operations_page(english, hq_admin, failed_message):
    response = english(hq_admin).post("/cases/operations/", {"message": failed_message.pk})
    assert response.status_code == 302 and response["Location"] == "/cases/operations/"
    failed_message.refresh_from_db()
    assert failed_message.state == OutboxMessage.State.PENDING


def test_another_office_cannot_retry_a_message_it_cannot_see(english, london_supervisor, failed_message):
    response = english(london_supervisor).post("/cases/operations/", {"message": failed_message.pk}, follow=True)
    assert "not waiting for a retry" in response.text
    failed_message.refresh_from_db()
    assert failed_message.state == OutboxMessage.State.FAILED


def test_auditor_reads_the_operations_page_but_cannot_retry(english, auditor, failed_message):
    client = english(auditor)
    page = client.get("/cases/operations/")
    assert page.status_code == 200 and "SMTPServerDisconnected" in page.text and 'name="message"' not in page.text
    assert client.post("/cases/operations/", {"message": failed_message.pk}).status_code == 403


def test_a_clerk_takes_a_case_and_finds_it_under_my_cases(signed_in, nyc_clerk, nyc):
    from consular.audit.models import AuditEntry
    from consular.workflow.actions import open_case
    from tests.identity.factories import PersonFactory, actor_for

    case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    client = signed_in(nyc_clerk)
    assert client.post(f"/cases/{case.reference}/", {"form": "take", "version": 1}).status_code == 302
    case.refresh_from_db()
    assert case.assignee == nyc_clerk and case.version == 2
    assert case.reference.encode() in client.get("/cases/mine/").content
    assert AuditEntry.unscoped.filter(object_id=str(case.pk), changes__assignee=[None, "nyc_clerk"]).exists()


def test_taking_a_case_with_a_stale_version_is_a_conflict(signed_in, nyc_clerk, nyc):
    from consular.workflow.actions import open_case
    from tests.identity.factories import PersonFactory, actor_for

    case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    response = signed_in(nyc_clerk).post(f"/cases/{case.reference}/", {"form": "take", "version": 7})
    assert response.status_code == 409
    case.refresh_from_db()
    assert case.assignee is None


def test_another_office_cannot_take_a_case(signed_in, nyc_clerk, london_clerk, nyc):
    from consular.workflow.actions import open_case
    from tests.identity.factories import PersonFactory, actor_for

    case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    assert signed_in(london_clerk).post(f"/cases/{case.reference}/", {"form": "take", "version": 1}).status_code == 404
    case.refresh_from_db()
    assert case.assignee is None


def test_a_closed_case_offers_no_take_and_refuses_one(signed_in, nyc_clerk, nyc):
    from consular.workflow.actions import open_case
    from tests.identity.factories import PersonFactory, actor_for

    case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    Case.unscoped.filter(pk=case.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    client = signed_in(nyc_clerk)

    assert b'value="take"' not in client.get(f"/cases/{case.reference}/").content
    assert client.post(f"/cases/{case.reference}/", {"form": "take", "version": 1}).status_code == 400
    case.refresh_from_db()
    assert case.assignee is None


def test_a_stale_take_says_who_has_the_case_and_offers_an_explicit_take_over(
    signed_in, nyc_clerk, nyc_supervisor, nyc
):
    from consular.workflow.actions import open_case, take_case
    from tests.identity.factories import PersonFactory, actor_for

    case = open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    take_case(case, by=actor_for(nyc_clerk), expected_version=1)

    response = signed_in(nyc_supervisor).post(f"/cases/{case.reference}/", {"form": "take", "version": 1},
                                              HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 409
    # Named as colleagues know them (the factory's "Test Nyc_Clerk"), not by their username.
    assert "it is now assigned to Test Nyc_Clerk" in page and "Take over from Test Nyc_Clerk" in page


def test_withdrawing_without_the_confirmation_saves_nothing_and_says_so_next_to_the_box(english, nyc_clerk, case):
    response = english(nyc_clerk).post(detail(case), {"form": "transition", "transition": "withdraw", "version": 1,
                                                        "note": "Citizen phoned to withdraw"})
    assert response.status_code == 400
    assert 'href="#confirm-withdraw"' in response.text  # the error summary links to the box
    assert 'id="confirm-withdraw_error"' in response.text
    assert "Citizen phoned to withdraw" in response.text  # the note is kept
    case.refresh_from_db()
    assert (case.status, case.events.count()) == (Status.RECEIVED, 1)


def test_withdrawing_with_the_confirmation_closes_the_case(english, nyc_clerk, case):
    response = english(nyc_clerk).post(detail(case), {"form": "transition", "transition": "withdraw", "version": 1,
                                                        "note": "Citizen phoned to withdraw", "confirm": "on"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN


def test_the_case_page_marks_withdrawal_as_dangerous_asks_to_confirm_it_and_lists_it_last(english, nyc_clerk, case):
    text = english(nyc_clerk).get(detail(case)).text
    assert '<input type="checkbox" id="confirm-withdraw" name="confirm" value="on" required>' in text
    assert 'class="button button--danger">Withdrawn by the citizen</button>' in text
    assert 'id="confirm-start"' not in text  # starting work can be undone by the next steps: no box
    assert text.index('value="start"') < text.index('value="withdraw"')


# What a queue shows by default


def test_the_office_queue_shows_open_cases_and_the_closed_ones_behind_a_filter(english, nyc_clerk, person, nyc):
    open_one, closed, withdrawn = make_cases(3, person, nyc)
    Case.unscoped.filter(pk=closed.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    Case.unscoped.filter(pk=withdrawn.pk).update(status=Status.WITHDRAWN, closed_at=timezone.now())
    client = english(nyc_clerk)

    assert [row["id"] for row in client.get(QUEUE).context["rows"]] == [open_one.pk]
    assert sorted(row["id"] for row in client.get(QUEUE, {"show": "closed"}).context["rows"]) == sorted(
        [closed.pk, withdrawn.pk])
    assert len(client.get(QUEUE, {"show": "all"}).context["rows"]) == 3
    # A chosen status is exact, open or closed.
    assert [row["id"] for row in client.get(QUEUE, {"status": "enquiry:withdrawn"}).context["rows"]] == [withdrawn.pk]


def test_my_cases_are_my_open_cases_only(english, nyc_clerk, person, nyc):
    mine, done = make_cases(2, person, nyc)
    Case.unscoped.update(assignee=nyc_clerk)
    Case.unscoped.filter(pk=done.pk).update(status=Status.CLOSED, closed_at=timezone.now())
    assert [row["id"] for row in english(nyc_clerk).get("/cases/mine/").context["rows"]] == [mine.pk]


def test_each_status_is_offered_once_under_its_own_case_type(english, nyc_clerk):
    from consular.workflow.forms import grouped_status_choices

    groups = grouped_status_choices()[1:]
    assert {str(label) for label, _choices in groups} == {"General enquiry", "Passport application", "Visa application"}
    for _label, choices in groups:
        labels = [str(label) for _value, label in choices]
        assert len(labels) == len(set(labels))
    values = [value for _label, choices in groups for value, _name in choices]
    assert len(values) == len(set(values)) and "enquiry:received" in values and "passport:submitted" in values
    with translation.override("ja"):
        page = english(nyc_clerk).get(QUEUE, HTTP_ACCEPT_LANGUAGE="ja").text
    assert page.count('<optgroup label="一般照会">') == 1 and page.count('<optgroup label="旅券申請">') == 1
    assert page.count('<optgroup label="査証申請">') == 1


def test_a_status_of_another_case_type_than_the_chosen_one_is_a_clear_400(english, nyc_clerk, case):
    response = english(nyc_clerk).get(QUEUE, {"status": "passport:submitted", "case_type": "enquiry"})
    assert response.status_code == 400
    assert "not one of the chosen case type" in response.text


def test_answered_by_hq_lists_referrals_back_at_the_mission(english, nyc_clerk, nyc_supervisor, hq_officer, case):
    refer_to_hq(case, nyc_clerk, nyc_supervisor)
    assert case.reference not in english(nyc_clerk).get("/cases/answered/").text
    fire(case, "instruct", by=actor_for(hq_officer), expected_version=case.version, note="Do this")
    assert case.reference in english(nyc_clerk).get("/cases/answered/").text
    assert case.reference not in english(hq_officer).get("/cases/referred/").text


def test_hq_sees_another_offices_overdue_cases_when_it_asks_for_them(english, hq_officer, nyc_clerk, person, nyc):
    (late,) = make_cases(1, person, nyc, due_at=timezone.now() - timedelta(hours=1))
    client = english(hq_officer)
    assert late.reference not in client.get("/cases/overdue/").text  # HQ's own desk by default
    assert late.reference in client.get("/cases/overdue/", {"held_by": "*"}).text
    assert late.reference in client.get("/cases/overdue/", {"held_by": "NYC"}).text
    # A mission has no such choice: the parameter is ignored and its own desk is shown.
    assert english(nyc_clerk).get("/cases/overdue/", {"held_by": "LON"}).context["rows"][0]["id"] == late.pk
