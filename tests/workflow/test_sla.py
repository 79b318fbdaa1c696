"""SLA timers: business days per office, due times set by transitions, and overdue cases flagged once."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consular.offices.models import Holiday, Role
from consular.workflow import sla
from consular.workflow.actions import fire, open_case
from consular.workflow.enquiries import ENQUIRY, Status
from consular.workflow.models import Case, SlaBreach
from consular.workflow.tasks import flag_overdue_cases
from tests.factories import MembershipFactory, UserFactory
from tests.identity.factories import PersonFactory, actor_for

# November 2026: Friday the 20th, Thanksgiving (a NYC holiday here) on Thursday the 26th.
FRIDAY = date(2026, 11, 20)


def end_of(day: date, office) -> datetime:
    return datetime.combine(day, time.max, tzinfo=office.zone)


def test_a_new_york_friday_evening_starts_the_clock_on_monday(nyc):
    friday_evening = datetime(2026, 11, 20, 18, 0, tzinfo=nyc.zone)  # already Saturday in UTC

    due = sla.due_at(ENQUIRY, Status.RECEIVED, nyc, friday_evening)

    assert due == end_of(date(2026, 11, 24), nyc)  # Monday, Tuesday
    assert due.astimezone(UTC) == datetime(2026, 11, 25, 4, 59, 59, 999999, tzinfo=UTC)


def test_the_same_instant_counts_in_each_offices_own_timezone(nyc, hq):
    instant = datetime(2026, 11, 20, 4, 30, tzinfo=UTC)  # Thursday 23:30 in New York, Friday 13:30 in Tokyo

    assert sla.due_at(ENQUIRY, Status.RECEIVED, nyc, instant) == end_of(date(2026, 11, 23), nyc)  # Fri, Mon
    assert sla.due_at(ENQUIRY, Status.RECEIVED, hq, instant) == end_of(date(2026, 11, 24), hq)  # Mon, Tue


def test_a_weekend_start_counts_from_monday(nyc):
    saturday = datetime(2026, 11, 21, 9, 0, tzinfo=nyc.zone)

    assert sla.add_business_days(nyc, saturday.date(), 1) == date(2026, 11, 23)
    assert sla.due_at(ENQUIRY, Status.IN_PROGRESS, nyc, saturday) == end_of(date(2026, 11, 27), nyc)


def test_an_offices_holiday_is_skipped_there_and_only_there(nyc, london):
    Holiday.unscoped.create(office=nyc, date=date(2026, 11, 26), name="Thanksgiving Day")
    tuesday = date(2026, 11, 24)

    assert sla.add_business_days(nyc, tuesday, 2) == date(2026, 11, 27)
    assert sla.add_business_days(london, tuesday, 2) == date(2026, 11, 26)


def test_holidays_in_a_row_with_a_weekend_push_the_due_day_past_them(nyc):
    for day in (date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 28)):
        Holiday.unscoped.create(office=nyc, date=day, name="Year end")

    assert sla.add_business_days(nyc, date(2026, 12, 23), 1) == date(2026, 12, 29)


def test_a_holiday_beyond_the_first_window_still_counts(nyc):
    far = sla.add_business_days(nyc, FRIDAY, 60)
    Holiday.unscoped.create(office=nyc, date=far, name="Far away")

    assert sla.add_business_days(nyc, FRIDAY, 60) == far + timedelta(days=1 if far.weekday() < 4 else 3)


def test_a_status_without_a_target_has_no_due_time(nyc):
    assert sla.due_at(ENQUIRY, Status.ANSWERED, nyc, timezone.now()) is None


def test_an_sla_for_a_status_the_case_type_lacks_is_refused():
    from consular.workflow.transitions import CaseType

    with pytest.raises(ValueError, match="SLA for unknown statuses"):
        CaseType(code="x", reference_prefix="X", label="x", statuses=Status, initial_status=Status.RECEIVED,
                 transitions=(), sla={"nonsense": 2})


@pytest.fixture
def case(person, nyc_clerk, hq):
    return open_case("enquiry", person=person, by=actor_for(nyc_clerk))


def test_opening_a_case_sets_its_due_time_for_the_first_status(case, nyc):
    assert case.due_at == sla.due_at(ENQUIRY, Status.RECEIVED, nyc, case.submitted_at)
    assert case.due_at > case.submitted_at + timedelta(days=2)


def test_each_transition_sets_the_due_time_of_the_new_status_at_the_new_office(
    case, nyc_clerk, nyc_supervisor, hq_officer, nyc, hq
):
    Holiday.unscoped.create(office=hq, date=sla.add_business_days(nyc, timezone.localdate(), 1), name="HQ only")
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=case.version)
    case.refresh_from_db()
    assert case.due_at == sla.due_at(ENQUIRY, Status.IN_PROGRESS, nyc, timezone.now())

    fire(case, "refer_to_hq", by=actor_for(nyc_supervisor), expected_version=case.version, note="Needs HQ")
    case.refresh_from_db()
    assert case.current_office == hq
    assert case.due_at == sla.due_at(ENQUIRY, Status.REFERRED, hq, timezone.now())

    fire(case, "instruct", by=actor_for(hq_officer), expected_version=case.version, note="Do this")
    case.refresh_from_db()
    # Back at the mission: the mission's clock for taking the work up again, in its business days.
    assert (case.status, case.current_office) == (Status.INSTRUCTED, nyc)
    assert case.due_at == sla.due_at(ENQUIRY, Status.INSTRUCTED, nyc, timezone.now())


def test_every_open_status_of_every_case_type_has_a_target_or_is_declared_untimed():
    from consular.workflow.transitions import CASE_TYPES

    for case_type in CASE_TYPES.values():
        untimed = case_type.open_statuses() - set(case_type.sla)
        assert untimed == set(case_type.untimed), case_type.code


def test_a_case_type_with_an_open_status_and_no_target_is_refused():
    from consular.workflow.transitions import CaseType, Transition

    with pytest.raises(ValueError, match="open statuses need an SLA target"):
        CaseType(code="x", reference_prefix="X", label="x", statuses=Status, initial_status=Status.RECEIVED,
                 transitions=(Transition("close", (Status.RECEIVED,), Status.CLOSED, roles=frozenset({"clerk"}),
                                         closes=True),),
                 sla={Status.RECEIVED: 2})


def test_closing_a_case_clears_its_due_time(case, nyc_clerk):
    fire(case, "withdraw", by=actor_for(nyc_clerk), expected_version=case.version, note="By phone")

    case.refresh_from_db()
    assert case.closed_at is not None and case.due_at is None


@pytest.fixture
def supervisor_mail(nyc_supervisor):
    nyc_supervisor.email = "supervisor@nyc.example"
    nyc_supervisor.save()
    return nyc_supervisor.email


def make_overdue(case: Case) -> Case:
    Case.unscoped.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    return Case.unscoped.get(pk=case.pk)


def test_an_overdue_case_is_flagged_and_its_supervisors_told_once_however_often_the_job_runs(case, supervisor_mail):
    case = make_overdue(case)

    assert sla.flag_overdue() == 1
    assert sla.flag_overdue() == 0

    breach = SlaBreach.objects.get()
    assert (breach.case, breach.status, breach.due_at) == (case, Status.RECEIVED, case.due_at)
    assert breach.notified_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [supervisor_mail]
    assert case.reference in mail.outbox[0].body


def test_a_case_not_yet_due_or_closed_is_not_flagged(case, person, nyc_clerk, supervisor_mail):
    closed = make_overdue(open_case("enquiry", person=person, by=actor_for(nyc_clerk)))
    Case.unscoped.filter(pk=closed.pk).update(closed_at=timezone.now())

    assert sla.flag_overdue() == 0
    assert not SlaBreach.objects.exists() and not mail.outbox


def test_a_case_moved_on_gets_a_new_due_time_and_can_breach_again(case, nyc_clerk, supervisor_mail):
    case = make_overdue(case)
    sla.flag_overdue()

    fire(case, "start", by=actor_for(nyc_clerk), expected_version=case.version)
    case.refresh_from_db()
    assert case.due_at > timezone.now()
    assert sla.flag_overdue() == 0

    make_overdue(case)
    assert sla.flag_overdue() == 1

    assert list(SlaBreach.objects.values_list("status", flat=True)) == [Status.RECEIVED, Status.IN_PROGRESS]
    assert len(mail.outbox) == 2


def test_only_the_holding_offices_current_supervisors_are_told(case, supervisor_mail, london_supervisor, nyc):
    london_supervisor.email = "supervisor@london.example"
    london_supervisor.save()
    former = UserFactory(username="former_nyc_supervisor", email="former@nyc.example")
    MembershipFactory(user=former, office=nyc, role=Role.SUPERVISOR, starts_on=date(2020, 1, 1),
                      ends_on=date(2021, 1, 1))
    make_overdue(case)

    sla.flag_overdue()

    assert [message.to for message in mail.outbox] == [[supervisor_mail]]


def test_a_breach_with_nobody_to_tell_is_still_recorded_once(case):
    make_overdue(case)

    assert sla.flag_overdue() == 1
    assert sla.flag_overdue() == 0
    assert SlaBreach.objects.count() == 1 and not mail.outbox


def overdue_cases_at(offices_and_clerks, count: int) -> None:
    for office, clerk in offices_and_clerks:
        for _ in range(count):
            make_overdue(open_case("enquiry", person=PersonFactory(created_by_office=office), by=actor_for(clerk)))


def test_flagging_costs_the_same_queries_for_one_overdue_case_or_many(
    nyc, london, nyc_clerk, london_clerk, supervisor_mail, london_supervisor
):
    london_supervisor.email = "supervisor@london.example"
    london_supervisor.save()
    cast = [(nyc, nyc_clerk), (london, london_clerk)]

    overdue_cases_at(cast, 1)
    with CaptureQueriesContext(connection) as few:
        assert sla.flag_overdue() == 2
    overdue_cases_at(cast, 5)
    with CaptureQueriesContext(connection) as many:
        assert sla.flag_overdue() == 10

    assert len(many) == len(few)
    # A heading and, per case, its line and its link, in each language, with a blank line between.
    assert sorted(len(message.body.splitlines()) for message in mail.outbox[-2:]) == [23, 23]


def test_the_task_flags_overdue_cases_and_beat_runs_it_every_five_minutes(case, supervisor_mail):
    make_overdue(case)

    assert flag_overdue_cases() == 1
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["consular.workflow.tasks.flag_overdue_cases"] == 300.0


def test_overdue_cases_at_hq_are_told_to_hqs_supervisors_only_with_a_link_to_each_case(
    case, nyc_clerk, nyc_supervisor, supervisor_mail, hq_officer, hq_supervisor, settings
):
    settings.SITE_URL = "https://consular.example"
    hq_officer.email, hq_supervisor.email = "officer@hq.example", "supervisor@hq.example"
    hq_officer.save()
    hq_supervisor.save()
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=case.version)
    fire(case, "refer_to_hq", by=actor_for(nyc_supervisor), expected_version=case.version, note="Needs HQ")
    make_overdue(case)

    assert sla.flag_overdue() == 1

    (notice,) = mail.outbox
    assert notice.to == ["supervisor@hq.example"]  # the office holding the case: not NYC, not HQ's officers
    assert f"https://consular.example/cases/{case.reference}/" in notice.body


def test_an_answered_referral_is_due_by_the_missions_sla_and_is_chased_there(
    case, nyc, nyc_clerk, nyc_supervisor, supervisor_mail, hq_officer
):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=case.version)
    fire(case, "refer_to_hq", by=actor_for(nyc_supervisor), expected_version=case.version, note="Needs HQ")
    fire(case, "instruct", by=actor_for(hq_officer), expected_version=case.version, note="Answer")
    case.refresh_from_db()
    assert case.due_at == sla.due_at(ENQUIRY, Status.INSTRUCTED, nyc, timezone.now())
    assert case.due_at == end_of(sla.add_business_days(nyc, timezone.now().astimezone(nyc.zone).date(), 2), nyc)

    make_overdue(case)
    assert sla.flag_overdue() == 1
    assert mail.outbox[-1].to == [supervisor_mail]
