"""Demo enquiries at every stage, for `make run`: each role's home page has work on it. Never for production.

The cases move through the real actions; only their clocks are set back afterwards (as if
the work had started days ago), so the home pages show ages, and one overdue case.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F

from consular.identity.actions import create_person
from consular.identity.models import Person
from consular.offices.models import Membership
from consular.offices.scoping import Actor
from consular.workflow import sla
from consular.workflow.actions import assign_case, fire, open_case
from consular.workflow.models import Case, CaseEvent
from consular.workflow.transitions import case_type_of

# family, given, native family, native given, sex, born, office, what they ask, steps, days ago
ENQUIRIES = [
    ("YAMAMOTO", "MIKI", "山本", "美樹", "F", (1988, 3, 2), "NYC", "How to register a birth abroad.", [], 0),
    ("SUZUKI", "TARO", "鈴木", "太郎", "M", (1975, 7, 21), "NYC", "Certificate of residence for a bank.",
     ["start"], 1),
    ("KATO", "EMI", "加藤", "恵美", "F", (1992, 11, 5), "NYC", "Can a child keep both nationalities?",
     ["start", "refer_to_hq"], 2),
    ("MATSUMOTO", "JUN", "松本", "純", "M", (1983, 1, 30), "NYC", "Proxy voting from abroad.",
     ["start", "refer_to_hq", "instruct"], 3),
    ("INOUE", "SAKI", "井上", "咲", "F", (1999, 6, 12), "NYC", "Lost her residence card.", [], 6),
    ("SHIMIZU", "NAO", "清水", "直", "M", (1968, 9, 9), "BKK", "Pension paperwork for a long stay.",
     ["start", "refer_to_hq"], 4),
]
# Who takes each step: the office's staff member whose role the step asks for.
STEP_BY = {"NYC": {"start": "nyc_clerk", "refer_to_hq": "nyc_officer"},
           "BKK": {"start": "bangkok_officer", "refer_to_hq": "bangkok_officer"}}
OPENED_BY = {"NYC": "nyc_clerk", "BKK": "bangkok_officer"}
NOTES = {"refer_to_hq": "HQ's view is needed.", "instruct": "Answered: see the ministry's guidance of 2026-04."}


def actor(username: str, office_code: str) -> Actor:
    membership = Membership.unscoped.select_related("office", "user").get(
        user__username=username, office__code=office_code
    )
    return Actor(office=membership.office, role=membership.role, user=membership.user, membership=membership)


def set_clock_back(case: Case, days: int) -> None:
    """Demo only: the case and its history as if they had happened `days` ago, with the due time that gives."""
    if not days:
        return
    shift = timedelta(days=days)
    CaseEvent.objects.filter(case=case).update(at=F("at") - shift)
    Case.unscoped.filter(pk=case.pk).update(submitted_at=F("submitted_at") - shift, updated_at=F("updated_at") - shift)
    case.refresh_from_db()
    entered = case.events.order_by("-at", "-pk").first().at
    due = sla.due_at(case_type_of(case), case.status, case.current_office, entered)
    Case.unscoped.filter(pk=case.pk).update(due_at=due)


@transaction.atomic
def seed() -> None:
    if Case.unscoped.filter(case_type="enquiry").exists():
        return
    hq_officer = actor("hq_officer", "HQ")
    for family, given, family_native, given_native, sex, (year, month, day), code, asks, steps, days in ENQUIRIES:
        by = actor(OPENED_BY[code], code)
        person = Person.unscoped.filter(family_name=family, given_names=given).first() or create_person(
            by=by, family_name=family, given_names=given, family_name_native=family_native,
            given_names_native=given_native, sex=sex, birth_year=year, birth_month=month, birth_day=day,
            nationalities=["JPN"],
        )
        case = open_case("enquiry", person=person, by=by, note=asks)
        for step in steps:
            who = hq_officer if step == "instruct" else actor(STEP_BY[code][step], code)
            fire(case, step, by=who, expected_version=case.version, note=NOTES.get(step, ""))
        if steps == ["start"]:
            assign_case(case, to=actor("nyc_officer", code).user, by=actor("nyc_supervisor", code),
                        expected_version=case.version)
        if steps == ["start", "refer_to_hq"] and code == "NYC":
            # HQ's supervisor shares out the referrals: this one is the HQ officer's.
            assign_case(case, to=hq_officer.user, by=actor("hq_supervisor", "HQ"), expected_version=case.version)
        set_clock_back(case, days)
