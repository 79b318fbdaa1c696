"""The audit log reads in the reader's language: no step, role, field, value or description as a code."""

import ast
import re
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from consular.audit.actions import Action, record
from consular.audit.display import present
from consular.audit.models import AuditEntry
from consular.identity.actions import create_person, decide_duplicate_review, record_new_person, update_person
from consular.identity.models import DuplicateReview
from consular.offices.actions import add_holiday
from consular.workflow.actions import assign_case, take_case
from consular.workflow.models import Case
from passports import actions
from tests.identity.factories import IdentityDocumentFactory, actor_for
from tests.passports.factories import approve, fee_schedule, submit
from tests.passports.test_production_views import td3

ROOT = Path(__file__).resolve().parents[2]
CODE_LIKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")  # start_review, passport_type, hq_officer …


@pytest.fixture
def a_whole_passport_flow(signed_in, nyc, hq, london, nyc_clerk, nyc_officer, nyc_supervisor, hq_officer,
                          hq_supervisor, london_clerk, auditor):
    """Everything a passport's life writes to the log, through the actions and the pages that write it."""
    fee_schedule()
    clerk, officer, hq_actor, london = actor_for(nyc_clerk), actor_for(nyc_officer), actor_for(hq_officer), \
        actor_for(london_clerk)
    person = create_person(by=clerk, family_name="SATO", given_names="HANAKO", sex="F", birth_year=1990,
                           birth_month=5, birth_day=17, nationalities=["JPN"])
    person = update_person(person, by=clerk, expected_version=person.version, place_of_birth="OSAKA")
    # The duplicate check: a readable match at New York, a near miss at London that HQ reviews.
    same = {"family_name": "SATO", "given_names": "HANAKO", "sex": "F", "birth_year": 1990, "birth_month": 5,
            "birth_day": 17, "nationalities": ["JPN"]}
    assert record_new_person(by=clerk, fields=same, confirm_new=False).duplicates
    assert record_new_person(by=london, fields=same, confirm_new=True).review_pending
    review = DuplicateReview.unscoped.get()
    assert signed_in(hq_officer).get("/persons/reviews/").status_code == 200
    decide_duplicate_review(review, same_person=False, note="Another SATO HANAKO", by=actor_for(hq_supervisor),
                            expected_version=review.version)
    submitted = submit(clerk, person)
    assign_case(submitted.case, to=nyc_officer, by=actor_for(nyc_supervisor), expected_version=submitted.case.version)
    submitted.case.refresh_from_db()
    application = approve(submitted, clerk, officer)
    batch = actions.create_batch(by=hq_actor)
    batch = actions.mark_batch_printed(batch, by=hq_actor, expected_version=batch.version)
    batch = actions.dispatch_batch(batch, by=hq_actor, expected_version=batch.version)
    case = Case.unscoped.get(pk=application.case_id)
    actions.receive_shipment([case], by=clerk)
    application.refresh_from_db()
    application.case.refresh_from_db()
    actions.collect_passport(application, by=clerk, expected_version=application.case.version,
                             identity_evidence="Driving licence")
    old = IdentityDocumentFactory(person=person, number="TK1112223")
    found = actions.find_passport_to_report(by=london, number="TK1112223", family_name="SATO",
                                            date_of_birth=date(1990, 5, 17))
    actions.report_loss(found, by=london, details=actions.LossDetails(kind="lost", circumstances="On a train"))
    actions.find_passport_to_report(by=london, number="TK9999999", family_name="SATO", date_of_birth=date(1990, 5, 17))
    add_holiday(office=nyc, date=date(2026, 7, 3), name="Independence Day (observed)", by=actor_for(nyc_supervisor))
    # The pages that record what they showed.
    desk = signed_in(nyc_clerk)
    for url in ("/passports/", f"/passports/{application.case.reference}/", "/passports/collection/", "/cases/",
                f"/persons/{person.pk}/"):
        assert desk.get(url).status_code == 200
    assert desk.post("/persons/", {"q": "SATO"}).status_code == 200
    # The MRZ check: a passport the register knows, a Japanese number it does not, a foreign one.
    for lines in (td3(surname="SATO", given_names="HANAKO", number="TK1112223"), td3(number="TK0000009"),
                  td3(number="X00000091", issuing_state="GBR")):
        assert desk.post("/passports/mrz/", {"mrz": "\n".join(lines)}).status_code == 200
    production = signed_in(hq_officer)
    assert production.get("/passports/production/").status_code == 200
    assert production.get(f"/passports/batches/{batch.reference}/").status_code == 200
    record(by=None, username="nyc_clerk", action=Action.SIGN_IN_FAILED, object_repr="wrong code")
    return {"person": person, "application": application, "old": old}


def _every_entry_in(language: str) -> list:
    with translation.override(language):
        return present(list(AuditEntry.unscoped.all()))


def test_every_entry_a_whole_passport_flow_writes_reads_in_japanese_with_no_code(a_whole_passport_flow):
    views = _every_entry_in("ja")
    assert len(views) > 20
    undescribed = {(view.entry.object_type, word) for view in views for word in view.undescribed}
    assert undescribed == set()
    for view in views:
        shown = " ".join([view.role, view.action, view.target_type, view.target,
                          *(f"{change.label} {change.old} {change.new}" for change in view.changes)])
        codes = {code for code in CODE_LIKE.findall(shown) if code not in {"nyc_clerk", "nyc_officer"}}
        assert not codes, (view.entry.object_type, view.entry.changes, shown)


def test_a_person_entry_shows_field_names_and_sex_in_japanese(a_whole_passport_flow):
    person = a_whole_passport_flow["person"]
    created = next(view for view in _every_entry_in("ja")
                   if view.entry.object_type == "identity.person" and view.entry.action == Action.CREATE
                   and view.entry.object_id == str(person.pk) and "sex" in view.entry.changes)
    changes = {change.label: change.new for change in created.changes}
    assert changes["性別"] == "女性"
    assert changes["姓"] == "SATO"
    assert created.target_type == "人物" and created.target == str(person)
    assert created.role == "事務職員" and created.action == "作成"


def test_a_target_is_named_in_the_readers_language_while_it_reads_as_recorded(a_whole_passport_flow):
    lost = next(view for view in _every_entry_in("ja") if view.entry.object_type == "passports.lossreport")
    assert lost.entry.object_repr == "Lost …2223"
    assert lost.target == "紛失 …2223"
    in_english = next(view for view in _every_entry_in("en") if view.entry.object_type == "passports.lossreport")
    assert in_english.target == "Lost …2223" and in_english.target_type == "Loss or theft report"


def test_people_are_shown_by_full_name_with_their_username_on_hover(signed_in, auditor, nyc_clerk, nyc):
    record(by=actor_for(nyc_clerk), action=Action.READ, object_repr="person search")
    response = signed_in(auditor).get("/audit/", HTTP_ACCEPT_LANGUAGE="ja")
    text = response.content.decode()
    assert re.search(r'<span class="staff-name" title="nyc_clerk">Test Nyc_Clerk<span class="visually-hidden">'
                     r" \(nyc_clerk\)</span></span>", text)
    assert "人物検索" in text  # "person search", stored in English
    assert ">clerk<" not in text and "事務職員" in text


def test_the_stored_entry_stays_in_english_and_codes(signed_in, auditor, nyc_clerk, nyc):
    with translation.override("ja"):
        entry = record(by=actor_for(nyc_clerk), action=Action.READ, object_repr="person search")
    signed_in(auditor).get("/audit/", HTTP_ACCEPT_LANGUAGE="ja")
    entry = AuditEntry.unscoped.get(pk=entry.pk)
    assert (entry.username, entry.role, entry.object_repr) == ("nyc_clerk", "clerk", "person search")


def test_a_change_of_assignee_names_both_people(signed_in, nyc_clerk, nyc_officer, nyc):
    fee_schedule()
    clerk = actor_for(nyc_clerk)
    person = create_person(by=clerk, family_name="SATO", sex="M", birth_year=1990, nationalities=["JPN"])
    case = submit(clerk, person).case
    take_case(case, by=clerk, expected_version=case.version)
    case.refresh_from_db()
    take_case(case, by=actor_for(nyc_officer), expected_version=case.version)
    view = next(view for view in _every_entry_in("ja") if "assignee" in view.entry.changes
                and view.entry.username == "nyc_officer")
    assert view.changes[0].label == "担当者" and (view.changes[0].old, view.changes[0].new) == (
        "Test Nyc_Clerk", "Test Nyc_Officer")


# The class of the bug: a description written as a literal English string, which no reader's language can show.

WRITERS = {"record", "record_listing"}


def _literal_descriptions(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if name not in WRITERS:
            continue
        keywords = {keyword.arg: keyword.value for keyword in node.keywords}
        if "target" in keywords:
            continue  # the target's own record, in English: data, not a description
        for argument in ("object_repr", "what"):
            value = keywords.get(argument)
            if isinstance(value, ast.Constant | ast.JoinedStr):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {argument}=")
    return found


def test_every_description_without_a_target_is_a_declared_phrase():
    sources = [path for package in ("consular", "passports", "visas", "residency")
               for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts]
    literal = [found for path in sources for found in _literal_descriptions(path)]
    assert literal == [], "declare a consular.audit.actions.Phrase and write PHRASE(...) instead"
