"""Passport applications over REST for the Osaka prefectural system, and the invalidated-passport feed."""

import base64
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from consular.api.models import IdempotencyRecord
from consular.audit.models import AuditEntry
from consular.identity.models import IdentityDocument, Person
from consular.offices.models import Role
from consular.offices.scoping import Actor
from consular.workflow.actions import fire
from consular.workflow.models import Case, CaseEvent
from passports import actions
from passports.models import ChecklistItem, Invalidation, PassportApplication
from tests.api.conftest import assert_problem, send_json
from tests.identity.factories import IdentityDocumentFactory, PersonFactory
from tests.passports.factories import another_applicant, complete_checklist, passport_photo, submit

APPLICATIONS = "/api/v1/passports/applications/"
INVALIDATED = "/api/v1/passports/invalidated/"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Office systems that send no Accept-Language get the default (Japanese); these tests read English."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _reasons_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def osaka_actor(osaka_client) -> Actor:
    """The Osaka system as the API makes it act: the prefecture's officer (it decides its own applications)."""
    client, _token = osaka_client
    return Actor(office=client.office, role=Role.OFFICER, api_client=client)


@pytest.fixture
def osaka_api(api, osaka_client):
    return api(osaka_client[1])


@pytest.fixture
def osaka_person(osaka, fees) -> Person:
    return PersonFactory(
        created_by_office=osaka,
        family_name="TANAKA",
        given_names="AOI",
        sex="F",
        family_name_native="田中",
        given_names_native="葵",
        family_name_reading="タナカ",
        given_names_reading="アオイ",
        birth_year=1988,
        birth_month=2,
        birth_day=14,
    )


@pytest.fixture
def osaka_application(osaka_actor, osaka_person, hq) -> PassportApplication:
    return submit(osaka_actor, osaka_person)


@pytest.fixture
def nyc_application(clerk, applicant, hq) -> PassportApplication:
    return submit(clerk, applicant)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def post(client, path: str, body, *, key: str | None = None, if_match: str | None = None):
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    if if_match is not None:
        headers["If-Match"] = if_match
    return send_json(client, "post", path, body, **headers)


def detail(reference: str) -> str:
    return f"{APPLICATIONS}{reference}/"


def etag(client, reference: str) -> str:
    response = client.get(detail(reference))
    assert response.status_code == 200, response.content
    return response["ETag"]


def fire_over_api(client, reference: str, transition: str, note: str = "", *, if_match: str | None = None):
    return post(
        client,
        f"{detail(reference)}transitions/",
        {"transition": transition, "note": note},
        if_match=if_match or etag(client, reference),
    )


def new_application(person: Person, **overrides) -> dict:
    return {"person": person.pk, "kind": "new", "validity_years": 10, "photo": b64(passport_photo())} | overrides


def saved_rows() -> tuple[int, ...]:
    return (
        PassportApplication.objects.count(),
        Case.unscoped.count(),
        Person.unscoped.count(),
        ChecklistItem.objects.count(),
        CaseEvent.objects.count(),
    )


# Submitting


def test_an_application_is_submitted_with_location_and_etag(osaka_api, osaka_person, hq):
    response = post(osaka_api, APPLICATIONS, new_application(osaka_person, note="Counter 3"))
    assert response.status_code == 201, response.content
    application = PassportApplication.objects.select_related("case").get()
    reference = application.case.reference
    assert reference.startswith("P-") and "-OSA-" in reference
    assert response["Location"] == f"http://testserver{detail(reference)}"
    assert response["ETag"] == f'"{application.pk}-2"'
    body = response.json()
    assert (body["status"], body["current_office"], body["collecting_office"]) == ("submitted", "OSA", "OSA")
    assert (body["fee_amount"], body["fee_currency"], body["paid"], body["photo"]) == (16000, "JPY", False, True)
    assert [item["item"] for item in body["checklist"]] == ["application_form", "photo", "family_register"]
    assert body["history"][0]["note"] == "Counter 3" and body["passport"] is None
    assert osaka_api.get(response["Location"])["ETag"] == response["ETag"]


def test_an_application_for_a_new_person_records_the_person_with_it(osaka_api, osaka, fees, hq):
    new_person = {
        "family_name": "Kimura",
        "given_names": "Ren",
        "sex": "M",
        "birth_year": 1979,
        "nationalities": ["JPN"],
    }
    body = {"new_person": new_person, "kind": "new", "validity_years": 10}
    response = post(osaka_api, APPLICATIONS, body)
    assert response.status_code == 201, response.content
    person = Person.unscoped.get()
    assert (person.family_name, person.created_by_office.code) == ("KIMURA", "OSA")
    assert response.json()["person"]["id"] == person.pk


def test_a_new_person_with_likely_duplicates_is_a_409_until_confirmed(osaka_api, osaka_person, hq):
    new_person = {
        "family_name": "TANAKA",
        "given_names": "AOI",
        "sex": "F",
        "birth_year": 1988,
        "birth_month": 2,
        "birth_day": 14,
        "nationalities": ["JPN"],
    }
    body = {"new_person": new_person, "kind": "new", "validity_years": 10}
    before = saved_rows()
    conflict = assert_problem(post(osaka_api, APPLICATIONS, body), 409)
    assert conflict["duplicates"][0]["person"]["id"] == osaka_person.pk
    assert saved_rows() == before
    confirmed = post(osaka_api, APPLICATIONS, body | {"new_person": new_person | {"confirm_new": True}})
    assert confirmed.status_code == 201, confirmed.content
    assert Person.unscoped.count() == 2 and PassportApplication.objects.count() == 1


def test_a_retry_with_the_same_key_replays_and_creates_nothing_twice(osaka_api, osaka_person, hq):
    body = new_application(osaka_person)
    first = post(osaka_api, APPLICATIONS, body, key="osaka-0001")
    again = post(osaka_api, APPLICATIONS, body, key="osaka-0001")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert json.loads(again.content) == json.loads(first.content)
    assert (again["Location"], again["ETag"]) == (first["Location"], first["ETag"])
    assert PassportApplication.objects.count() == 1 and Case.unscoped.count() == 1


def test_the_same_key_with_another_body_is_a_422_problem(osaka_api, osaka_person, hq):
    assert post(osaka_api, APPLICATIONS, new_application(osaka_person), key="osaka-0002").status_code == 201
    other = new_application(osaka_person, validity_years=5)
    body = assert_problem(post(osaka_api, APPLICATIONS, other, key="osaka-0002"), 422)
    assert body["type"].endswith("/idempotency-key-reused")
    assert PassportApplication.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"photo": "not base64 at all!"}, "photo"),
        ({"photo": b64(b"GIF89a") + "\n"}, "photo"),
        ({"kind": "express"}, "kind"),
        ({"validity_years": 7}, "validity_years"),
        ({"validity_years": "10"}, "validity_years"),
        ({"person": "42"}, "person"),
        ({"note": 3}, "note"),
    ],
)
def test_malformed_input_is_a_400_problem_and_saves_nothing(osaka_api, osaka_person, hq, change, field):
    before = (saved_rows(), IdempotencyRecord.objects.count())
    body = assert_problem(post(osaka_api, APPLICATIONS, new_application(osaka_person) | change), 400)
    assert field in {error["field"] for error in body["errors"]}, body
    assert (saved_rows(), IdempotencyRecord.objects.count()) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"photo": b64(b"GIF89a, not a photo")}, "photo"),
        ({"person": None}, "person"),
        ({"person": 999_999}, "person"),
        ({"kind": "renewal"}, "previous_passport"),
        ({"previous_passport": 999_999}, "previous_passport"),
        ({"collecting_office": "XXX"}, "collecting_office"),
        ({"passport_type": "diplomatic", "validity_years": 5}, "passport_type"),
    ],
)
def test_well_formed_input_the_rules_refuse_is_a_422_problem_and_saves_nothing(
    osaka_api, osaka_person, hq, change, field
):
    before = (saved_rows(), IdempotencyRecord.objects.count())
    body = assert_problem(post(osaka_api, APPLICATIONS, new_application(osaka_person) | change), 422)
    assert field in {error["field"] for error in body["errors"]}, body
    assert (saved_rows(), IdempotencyRecord.objects.count()) == before


def test_a_ten_year_passport_for_a_minor_is_a_422_problem(osaka_api, osaka, fees, hq):
    minor = PersonFactory(created_by_office=osaka, family_name="SUZUKI", birth_year=timezone.now().year - 15)
    before = saved_rows()
    body = assert_problem(post(osaka_api, APPLICATIONS, new_application(minor)), 422)
    (error,) = body["errors"]
    assert error["field"] == "validity_years" and "from age 18" in error["message"]
    assert saved_rows() == before


def test_a_refused_application_for_a_new_person_saves_the_person_neither(osaka_api, osaka, fees, hq):
    new_person = {
        "family_name": "MORI",
        "given_names": "HINA",
        "sex": "F",
        "birth_year": timezone.now().year - 10,
        "nationalities": ["JPN"],
    }
    before = saved_rows()
    body = assert_problem(
        post(osaka_api, APPLICATIONS, {"new_person": new_person, "kind": "new", "validity_years": 10}), 422
    )
    assert [error["field"] for error in body["errors"]] == ["validity_years"]
    assert saved_rows() == before


def test_a_person_of_another_office_cannot_be_named(osaka_api, applicant, hq):
    body = assert_problem(post(osaka_api, APPLICATIONS, new_application(applicant)), 422)
    assert body["errors"][0]["field"] == "person" and "TANAKA" not in json.dumps(body)
    assert PassportApplication.objects.count() == 0


def test_an_auditor_cannot_submit(signed_in, auditor, osaka_person):
    assert_problem(post(signed_in(auditor), APPLICATIONS, new_application(osaka_person)), 403)
    assert PassportApplication.objects.count() == 0


# Reading one


def test_detail_shows_checklist_fee_history_and_next_steps_and_audits_the_read(osaka_api, osaka_application):
    reference = osaka_application.case.reference
    response = osaka_api.get(detail(reference))
    assert response.status_code == 200
    assert response["ETag"] == f'"{osaka_application.pk}-2"'
    body = response.json()
    assert body["person"] == {"id": osaka_application.case.person_id, "family_name": "TANAKA", "given_names": "AOI"}
    assert body["checklist"][0] == {
        "item": "application_form",
        "label": "Signed application form",
        "verified": False,
        "verified_at": None,
        "verified_by": "",
        "document_dated": None,
        "upload": False,
    }
    assert (body["fee_display"], body["receipt_number"]) == ("JPY 16,000", "")
    assert [event["transition"] for event in body["history"]] == ["open"]
    assert {option["name"] for option in body["transitions"]} == {"start_review", "withdraw"}
    read = AuditEntry.objects.filter(action="read", object_type="identity.person").get()
    assert (read.object_id, read.office_code) == (str(osaka_application.case.person_id), "OSA")


def test_an_unchanged_application_is_304_for_its_etag(osaka_api, osaka_application):
    reference = osaka_application.case.reference
    tag = etag(osaka_api, reference)
    assert osaka_api.get(detail(reference), headers={"If-None-Match": tag}).status_code == 304


def test_the_etag_moves_when_the_case_moves_and_when_the_application_changes(osaka_api, osaka_actor, osaka_application):
    reference = osaka_application.case.reference
    first = etag(osaka_api, reference)
    fire(osaka_application.case, "start_review", by=osaka_actor, expected_version=1)
    second = etag(osaka_api, reference)
    item = osaka_application.checklist_items.get(code="application_form")
    actions.verify_item(item, by=osaka_actor, expected_version=1)
    third = etag(osaka_api, reference)
    assert len({first, second, third}) == 3
    assert osaka_api.get(detail(reference), headers={"If-None-Match": first}).status_code == 200


# Another office's application


def test_another_office_s_application_is_a_404_on_every_endpoint(osaka_api, nyc_application):
    reference = nyc_application.case.reference
    assert_problem(osaka_api.get(detail(reference)), 404)
    for path, body in [
        ("documents/", {"item": "application_form", "file": b64(PDF)}),
        ("transitions/", {"transition": "start_review"}),
        ("collection/", {"identity_evidence": "Driving licence"}),
    ]:
        assert_problem(post(osaka_api, f"{detail(reference)}{path}", body, if_match="*"), 404)
    assert osaka_api.get(APPLICATIONS).json()["results"] == []
    nyc_application.case.refresh_from_db()
    nyc_application.refresh_from_db()
    assert (nyc_application.case.version, nyc_application.version) == (1, 1)
    assert not AuditEntry.objects.filter(action="read").exists()


def test_an_unknown_reference_is_a_404_problem(osaka_api, osaka_application):
    assert_problem(osaka_api.get(detail("P-2026-OSA-999999")), 404)


# Documents


def test_an_upload_fills_the_checklist_item_and_moves_the_etag(osaka_api, osaka_application):
    reference = osaka_application.case.reference
    before = etag(osaka_api, reference)
    response = post(
        osaka_api, f"{detail(reference)}documents/", {"item": "family_register", "file": b64(PDF)}, if_match=before
    )
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{osaka_application.pk}-3"' != before
    uploaded = {item["item"]: item["upload"] for item in response.json()["checklist"]}
    assert uploaded == {"application_form": False, "photo": False, "family_register": True}
    item = osaka_application.checklist_items.get(code="family_register")
    assert item.upload_content_type == "application/pdf" and item.upload.read() == PDF


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"item": "loss_report", "file": b64(PDF)}, 422, "item"),
        ({"item": "passport_stamp", "file": b64(PDF)}, 400, "item"),
        ({"item": "family_register", "file": "%%%"}, 400, "file"),
        ({"item": "family_register", "file": b64(b"MZ\x90\x00 an executable")}, 422, "file"),
    ],
)
def test_a_bad_upload_is_a_4xx_problem_and_saves_nothing(osaka_api, osaka_application, body, status, field):
    reference = osaka_application.case.reference
    response = post(osaka_api, f"{detail(reference)}documents/", body, if_match=etag(osaka_api, reference))
    assert assert_problem(response, status)["errors"][0]["field"] == field
    osaka_application.refresh_from_db()
    assert osaka_application.version == 1
    assert not osaka_application.checklist_items.exclude(upload="").exists()


# Preconditions on every write


def write_bodies() -> list[tuple[str, dict]]:
    return [
        ("documents/", {"item": "family_register", "file": b64(PDF)}),
        ("transitions/", {"transition": "start_review"}),
        ("collection/", {"identity_evidence": "Driving licence 1234"}),
        ("checklist/photo/verification/", {}),
        ("payment/", {"amount": 16_000, "currency": "JPY"}),
    ]


@pytest.mark.parametrize(("path", "body"), write_bodies())
def test_a_stale_if_match_is_a_412_problem_and_saves_nothing(osaka_api, osaka_actor, osaka_application, path, body):
    reference = osaka_application.case.reference
    stale = etag(osaka_api, reference)
    item = osaka_application.checklist_items.get(code="application_form")
    actions.verify_item(item, by=osaka_actor, expected_version=1)  # someone else's change in between
    response = post(osaka_api, f"{detail(reference)}{path}", body, if_match=stale)
    assert assert_problem(response, 412)["type"].endswith("/precondition-failed")
    osaka_application.refresh_from_db()
    osaka_application.case.refresh_from_db()
    assert (osaka_application.version, osaka_application.case.version) == (2, 1)
    assert not osaka_application.checklist_items.exclude(upload="").exists()


@pytest.mark.parametrize(("path", "body"), write_bodies())
def test_a_write_without_if_match_is_a_428_problem(osaka_api, osaka_application, path, body):
    reference = osaka_application.case.reference
    assert_problem(post(osaka_api, f"{detail(reference)}{path}", body), 428)
    osaka_application.case.refresh_from_db()
    assert osaka_application.case.version == 1


@pytest.mark.parametrize(("path", "body"), write_bodies())
def test_a_write_needs_an_idempotency_key(osaka_api, osaka_application, path, body):
    reference = osaka_application.case.reference
    response = send_json(osaka_api, "post", f"{detail(reference)}{path}", body, **{"If-Match": "*"})
    assert assert_problem(response, 400)["type"].endswith("/idempotency-key-missing")


# Transitions


def test_the_prefecture_reviews_and_approves_its_application(osaka_api, osaka_actor, osaka_application):
    reference = osaka_application.case.reference
    started = fire_over_api(osaka_api, reference, "start_review")
    assert started.status_code == 200, started.content
    assert started.json()["status"] == "under_review" and started["ETag"] == f'"{osaka_application.pk}-3"'
    complete_checklist(osaka_application, osaka_actor)
    approved = fire_over_api(osaka_api, reference, "approve", "All in order")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert (body["status"], body["current_office"], body["paid"]) == ("approved", "HQ", True)
    assert body["history"][-1] | {"at": None} == {
        "at": None,
        "transition": "approve",
        "from_status": "under_review",
        "to_status": "approved",
        "from_office": "OSA",
        "to_office": "HQ",
        "by": osaka_actor.name,
        "role": "officer",
        "note": "All in order",
    }
    # Held by HQ now, still readable by the office that took it in.
    assert osaka_api.get(detail(reference)).status_code == 200


def test_a_refused_transition_is_a_422_problem_with_the_reason(osaka_api, osaka_application):
    reference = osaka_application.case.reference
    assert fire_over_api(osaka_api, reference, "start_review").status_code == 200
    body = assert_problem(fire_over_api(osaka_api, reference, "approve"), 422)
    assert body["type"].endswith("/transition-refused")
    assert body["detail"] == (
        "Not every document is verified: Signed application form; Photo checked against "
        "the applicant; Family register extract (issued within 6 months)."
    )
    assert assert_problem(fire_over_api(osaka_api, reference, "refuse"), 422)["detail"] == "A note is required."
    assert "not a step" in assert_problem(fire_over_api(osaka_api, reference, "print"), 422)["detail"]
    osaka_application.case.refresh_from_db()
    assert (osaka_application.case.status, osaka_application.case.version) == ("under_review", 2)


def test_the_prefecture_refuses_with_a_note(osaka_api, osaka_application):
    reference = osaka_application.case.reference
    fire_over_api(osaka_api, reference, "start_review")
    response = fire_over_api(osaka_api, reference, "refuse", "The extract is eight months old.")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["closed_at"] is not None) == ("refused", True)


def test_a_retried_transition_fires_once(osaka_api, osaka_application):
    reference = osaka_application.case.reference
    tag = etag(osaka_api, reference)
    path = f"{detail(reference)}transitions/"
    first = post(osaka_api, path, {"transition": "start_review"}, key="osaka-fire-1", if_match=tag)
    again = post(osaka_api, path, {"transition": "start_review"}, key="osaka-fire-1", if_match=tag)
    assert (first.status_code, again.status_code) == (200, 200)
    assert json.loads(again.content) == json.loads(first.content)
    assert CaseEvent.objects.filter(transition="start_review").count() == 1


# Production, dispatch and collection


def produce_and_dispatch(application: PassportApplication, hq_actor: Actor) -> None:
    """HQ's part, through its actions: a batch, printed, dispatched to the collecting office."""
    batch = actions.create_batch(by=hq_actor, application_ids=[application.pk])
    actions.mark_batch_printed(batch, by=hq_actor, expected_version=batch.version)
    actions.dispatch_batch(batch, by=hq_actor, expected_version=batch.version)


@pytest.fixture
def dispatched(osaka_api, osaka_actor, osaka_application, hq_actor) -> PassportApplication:
    reference = osaka_application.case.reference
    fire_over_api(osaka_api, reference, "start_review")
    complete_checklist(osaka_application, osaka_actor)
    assert fire_over_api(osaka_api, reference, "approve").status_code == 200
    produce_and_dispatch(osaka_application, hq_actor)
    return osaka_application


def test_a_dispatched_passport_is_received_and_collected_at_the_prefecture(osaka_api, dispatched):
    reference = dispatched.case.reference
    body = osaka_api.get(detail(reference)).json()
    assert (body["status"], body["current_office"]) == ("dispatched", "OSA")
    number = body["passport_number"]
    assert number.startswith("TZ") and body["passport"]["number"] == number
    assert fire_over_api(osaka_api, reference, "receive").json()["status"] == "ready"
    collected = post(
        osaka_api,
        f"{detail(reference)}collection/",
        {"identity_evidence": "Driving licence 1234"},
        if_match=etag(osaka_api, reference),
    )
    assert collected.status_code == 200, collected.content
    body = collected.json()
    assert (body["status"], body["passport_number"]) == ("issued", number)
    assert body["collection"]["identity_evidence"] == "Driving licence 1234"
    line1, line2 = body["passport"]["mrz"]
    assert line1.startswith("P<JPNTANAKA<<AOI") and line2.startswith(number)
    assert IdentityDocument.unscoped.get(number=number).status == "valid"
    assert osaka_api.get(detail(reference)).json()["status"] == "issued"


def test_collection_needs_the_identity_evidence_and_a_passport_ready(osaka_api, dispatched):
    reference = dispatched.case.reference
    path = f"{detail(reference)}collection/"
    blank = post(osaka_api, path, {"identity_evidence": "  "}, if_match=etag(osaka_api, reference))
    assert assert_problem(blank, 400)["errors"][0]["field"] == "identity_evidence"
    not_received = post(osaka_api, path, {"identity_evidence": "Driving licence"}, if_match=etag(osaka_api, reference))
    assert "no passport ready" in assert_problem(not_received, 422)["detail"]


def test_collection_evidence_with_a_hidden_character_is_a_422_on_the_field(osaka_api, dispatched):
    reference = dispatched.case.reference
    hidden = post(osaka_api, f"{detail(reference)}collection/", {"identity_evidence": "Licence\u2067 42"},
                  if_match=etag(osaka_api, reference))
    [error] = assert_problem(hidden, 422)["errors"]
    assert error["field"] == "identity_evidence" and "U+2067" in error["message"]


def test_handing_over_by_transition_points_to_the_collection_endpoint(osaka_api, dispatched):
    reference = dispatched.case.reference
    fire_over_api(osaka_api, reference, "receive")
    assert "collection desk" in assert_problem(fire_over_api(osaka_api, reference, "hand_over"), 422)["detail"]


def test_uploads_after_the_decision_are_refused(osaka_api, dispatched):
    reference = dispatched.case.reference
    response = post(
        osaka_api,
        f"{detail(reference)}documents/",
        {"item": "family_register", "file": b64(PDF)},
        if_match=etag(osaka_api, reference),
    )
    assert "decided" in assert_problem(response, 422)["detail"]


# The change list


def test_the_list_shows_the_caller_s_applications_in_change_order(osaka_api, osaka_actor, osaka_person, hq):
    first = submit(osaka_actor, osaka_person)
    second = submit(osaka_actor, another_applicant(osaka_person), validity_years=5)
    results = osaka_api.get(APPLICATIONS).json()["results"]
    assert [row["reference"] for row in results] == [first.case.reference, second.case.reference]
    assert results[1] == {
        "reference": second.case.reference,
        "status": "submitted",
        "status_label": "Submitted",
        "person": second.case.person_id,
        "kind": "new",
        "passport_type": "ordinary",
        "validity_years": 5,
        "collecting_office": "OSA",
        "current_office": "OSA",
        "fee_amount": 11000,
        "fee_currency": "JPY",
        "paid": False,
        "passport_number": None,
        "updated_at": results[1]["updated_at"],
        "version": 2,
    }


def test_the_list_pages_with_a_cursor_without_repeats(osaka_api, osaka_actor, osaka_person, hq):
    made = [submit(osaka_actor, another_applicant(osaka_person), photo=None).case.reference for _ in range(5)]
    first = osaka_api.get(APPLICATIONS, {"page_size": 3}).json()
    second = osaka_api.get(first["next"]).json()
    assert [row["reference"] for row in first["results"] + second["results"]] == made
    assert second["next"] is None


def test_changed_since_leaves_out_applications_unchanged_since(osaka_api, osaka_actor, osaka_person, hq):
    submit(osaka_actor, osaka_person, photo=None)
    mark = timezone.now()
    later = submit(osaka_actor, another_applicant(osaka_person), photo=None)
    results = osaka_api.get(APPLICATIONS, {"changed_since": mark.isoformat()}).json()["results"]
    assert [row["reference"] for row in results] == [later.case.reference]


def test_a_bad_changed_since_is_a_400_problem(osaka_api, osaka_application):
    assert (
        assert_problem(osaka_api.get(APPLICATIONS, {"changed_since": "last tuesday"}), 400)["errors"][0]["field"]
        == "changed_since"
    )


def changed_since(client, mark) -> list[str]:
    return [row["reference"] for row in client.get(APPLICATIONS, {"changed_since": mark.isoformat()}).json()["results"]]


def test_changed_since_lists_an_application_after_its_case_moved(osaka_api, osaka_application):
    reference = osaka_application.case.reference
    mark = timezone.now()
    assert changed_since(osaka_api, mark) == []
    assert fire_over_api(osaka_api, reference, "start_review").status_code == 200
    assert changed_since(osaka_api, mark) == [reference]
    rows = osaka_api.get(APPLICATIONS, {"changed_since": mark.isoformat()}).json()["results"]
    assert rows[0]["status"] == "under_review"


def test_changed_since_lists_an_application_when_hq_dispatches_it(osaka_api, osaka_actor, osaka_application, hq_actor):
    reference = osaka_application.case.reference
    fire_over_api(osaka_api, reference, "start_review")
    complete_checklist(osaka_application, osaka_actor)
    assert fire_over_api(osaka_api, reference, "approve").status_code == 200
    mark = timezone.now()
    produce_and_dispatch(osaka_application, hq_actor)
    rows = osaka_api.get(APPLICATIONS, {"changed_since": mark.isoformat()}).json()["results"]
    assert [(row["reference"], row["status"], row["current_office"]) for row in rows] == [
        (reference, "dispatched", "OSA")
    ]


def test_changed_since_lists_an_application_after_its_payment(osaka_api, osaka_actor, osaka_application):
    mark = timezone.now()
    actions.record_payment(osaka_application, by=osaka_actor, amount=16000, currency="JPY", expected_version=1)
    assert changed_since(osaka_api, mark) == [osaka_application.case.reference]


def test_the_list_costs_the_same_queries_at_1_and_50_rows_and_never_counts(
    osaka_api, osaka_actor, osaka_person, hq, django_assert_max_num_queries
):
    submit(osaka_actor, osaka_person, photo=None)
    with django_assert_max_num_queries(10) as one:
        assert len(osaka_api.get(APPLICATIONS).json()["results"]) == 1
    for _ in range(49):
        submit(osaka_actor, another_applicant(osaka_person), photo=None)
    with django_assert_max_num_queries(len(one.captured_queries)) as fifty:
        assert len(osaka_api.get(APPLICATIONS).json()["results"]) == 50
    assert not [q["sql"] for q in fifty.captured_queries if "COUNT(" in q["sql"].upper()]


# The invalidated-passport feed


def report_lost(document: IdentityDocument, by: Actor) -> None:
    actions.report_loss(document, by=by, details=actions.LossDetails(kind="lost", circumstances="Left on a train"))


def test_the_feed_shows_each_loss_after_since(osaka_api, osaka_actor, osaka_person):
    first_document = IdentityDocumentFactory(person=osaka_person, number="TK1111111")
    report_lost(first_document, osaka_actor)
    page = osaka_api.get(INVALIDATED, {"since": 0}).json()
    (row,) = page["results"]
    assert row | {"id": 0, "invalidated_at": None} == {
        "id": 0,
        "number": "TK1111111",
        "issuing_state": "JPN",
        "reason": "lost",
        "invalidated_at": None,
    }
    assert page["next_since"] == row["id"]
    assert osaka_api.get(INVALIDATED, {"since": page["next_since"]}).json() == {
        "results": [],
        "next_since": page["next_since"],
    }
    report_lost(IdentityDocumentFactory(person=osaka_person, number="TK2222222"), osaka_actor)
    newer = osaka_api.get(INVALIDATED, {"since": page["next_since"]}).json()
    assert [r["number"] for r in newer["results"]] == ["TK2222222"] and newer["next_since"] > page["next_since"]


def test_the_feed_pages_by_page_size_in_id_order(osaka_api, db):
    Invalidation.objects.bulk_create(
        Invalidation(number=f"TZ{n:07d}", issuing_state="JPN", reason="cancelled") for n in range(5)
    )
    page = osaka_api.get(INVALIDATED, {"page_size": 3}).json()
    rest = osaka_api.get(INVALIDATED, {"since": page["next_since"], "page_size": 3}).json()
    assert [r["number"] for r in page["results"] + rest["results"]] == [f"TZ{n:07d}" for n in range(5)]


@pytest.mark.parametrize("query", [{"since": "-1"}, {"since": "abc"}, {"page_size": "1001"}, {"page_size": "0"}])
def test_a_bad_feed_query_is_a_400_problem(osaka_api, db, query):
    assert_problem(osaka_api.get(INVALIDATED, query), 400)


def test_any_authenticated_principal_reads_the_feed_and_nobody_else(signed_in, auditor, london_clerk, client):
    assert signed_in(auditor).get(INVALIDATED).status_code == 200
    assert signed_in(london_clerk).get(INVALIDATED).status_code == 200
    assert_problem(client.get(INVALIDATED), 401)


def test_the_feed_costs_the_same_queries_at_1_and_50_rows(osaka_api, db, django_assert_max_num_queries):
    def invalidate(count: int) -> None:
        Invalidation.objects.bulk_create(
            Invalidation(number=f"TY{n:07d}", issuing_state="JPN", reason="lost") for n in range(count)
        )

    invalidate(1)
    with django_assert_max_num_queries(10) as one:
        assert len(osaka_api.get(INVALIDATED).json()["results"]) == 1
    invalidate(49)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(osaka_api.get(INVALIDATED).json()["results"]) == 50


# The schema


def test_the_schema_describes_every_passport_endpoint_with_examples(osaka_api):
    schema = osaka_api.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"}).json()
    paths = schema["paths"]
    create = paths["/api/v1/passports/applications/"]["post"]
    assert {"201", "400", "409"} <= set(create["responses"])
    assert create["requestBody"]["content"]["application/json"]["examples"]
    for path in ("documents", "transitions", "collection", "checklist/{code}/verification", "payment"):
        operation = paths[f"/api/v1/passports/applications/{{reference}}/{path}/"]["post"]
        headers = {p["name"]: p["required"] for p in operation["parameters"] if p["in"] == "header"}
        assert headers == {"Idempotency-Key": True, "If-Match": True}
        assert {"200", "412", "422", "428"} <= set(operation["responses"])
    assert paths["/api/v1/passports/applications/{reference}/"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["examples"]
    assert paths["/api/v1/passports/invalidated/"]["get"]["responses"]["200"]["content"]["application/json"]["examples"]


def test_the_feed_reads_oldest_first_even_across_days(osaka_api, db):
    # The id, not the time, orders the feed: a row stamped earlier but inserted later comes later.
    late = Invalidation.objects.create(number="TX0000002", issuing_state="JPN", reason="stolen")
    early = Invalidation.objects.create(number="TX0000001", issuing_state="JPN", reason="lost")
    Invalidation.objects.filter(pk=early.pk).update(invalidated_at=late.invalidated_at - timedelta(days=1))
    assert [r["number"] for r in osaka_api.get(INVALIDATED).json()["results"]] == ["TX0000002", "TX0000001"]


# Checks and payment over REST: a prefecture completes its application without the staff pages


def verify_over_api(client, reference: str, code: str, body: dict | None = None):
    return post(client, f"{detail(reference)}checklist/{code}/verification/", body or {},
                if_match=etag(client, reference))


def test_a_prefecture_verifies_pays_and_approves_entirely_over_rest(osaka_api, osaka_application):
    reference = osaka_application.case.reference
    assert fire_over_api(osaka_api, reference, "start_review").status_code == 200
    dated = (osaka_application.applied_on - timedelta(days=10)).isoformat()
    for item in osaka_application.checklist_items.all():
        body = {"document_dated": dated} if item.code == "family_register" else {}
        response = verify_over_api(osaka_api, reference, item.code, body)
        assert response.status_code == 200, response.content

    paid = post(osaka_api, f"{detail(reference)}payment/", {"amount": 16_000, "currency": "JPY"},
                if_match=etag(osaka_api, reference))
    approved = fire_over_api(osaka_api, reference, "approve")

    assert paid.status_code == 200 and paid.json()["receipt_number"].endswith("-OSA-000001")
    assert approved.status_code == 200, approved.content
    assert Case.objects.get(pk=osaka_application.case_id).current_office.code == "HQ"


def test_a_stale_family_register_extract_is_a_422_naming_the_field_and_saves_nothing(osaka_api, osaka_application):
    reference = osaka_application.case.reference
    old = (osaka_application.applied_on - timedelta(days=400)).isoformat()

    response = verify_over_api(osaka_api, reference, "family_register", {"document_dated": old})

    body = assert_problem(response, 422)
    assert [error["field"] for error in body["errors"]] == ["document_dated"]
    assert not osaka_application.checklist_items.get(code="family_register").verified


def test_an_unknown_checklist_item_is_a_404(osaka_api, osaka_application):
    assert_problem(verify_over_api(osaka_api, osaka_application.case.reference, "passport_stamp"), 404)


def test_a_wrong_payment_is_a_422_and_a_stale_one_a_412(osaka_api, osaka_application):
    reference = osaka_application.case.reference
    read = etag(osaka_api, reference)

    wrong = post(osaka_api, f"{detail(reference)}payment/", {"amount": 15_000, "currency": "JPY"}, if_match=read)
    verify_over_api(osaka_api, reference, "photo")
    stale = post(osaka_api, f"{detail(reference)}payment/", {"amount": 16_000, "currency": "JPY"}, if_match=read)

    assert_problem(wrong, 422)
    assert_problem(stale, 412)
    assert not PassportApplication.objects.get(pk=osaka_application.pk).is_paid


def test_another_offices_checklist_and_payment_are_404(osaka_api, nyc_application):
    reference = nyc_application.case.reference
    for path in ("checklist/photo/verification/", "payment/"):
        response = post(osaka_api, f"{detail(reference)}{path}", {"amount": 1, "currency": "USD"}, if_match="*")
        assert_problem(response, 404)
    nyc_application.refresh_from_db()
    assert nyc_application.version == 1 and not nyc_application.is_paid


def test_a_write_on_an_application_now_held_by_hq_is_a_403_and_saves_nothing(
    osaka_api, osaka_actor, osaka_application
):
    reference = osaka_application.case.reference
    fire_over_api(osaka_api, reference, "start_review")
    complete_checklist(osaka_application, osaka_actor)
    assert fire_over_api(osaka_api, reference, "approve").status_code == 200
    before = etag(osaka_api, reference)

    response = post(osaka_api, f"{detail(reference)}documents/", {"item": "family_register", "file": b64(PDF)},
                    if_match=before)

    assert_problem(response, 403)
    assert etag(osaka_api, reference) == before
    assert not osaka_application.checklist_items.exclude(upload="").exists()


@pytest.mark.parametrize(("path", "body", "field"), [
    ("transitions/", {"note": "no step named"}, "transition"),
    ("transitions/", {"transition": "start_review", "note": "x" * 5000}, "note"),
    ("payment/", {"amount": -1, "currency": "JPY"}, "amount"),
    ("payment/", {"amount": 16_000, "currency": "yen"}, "currency"),
    ("checklist/family_register/verification/", {"document_dated": "soon"}, "document_dated"),
])
def test_a_malformed_write_body_is_a_400_naming_the_field_and_saves_nothing(
    osaka_api, osaka_application, path, body, field
):
    reference = osaka_application.case.reference
    before = etag(osaka_api, reference)

    response = post(osaka_api, f"{detail(reference)}{path}", body, if_match=before)

    assert field in [error["field"] for error in assert_problem(response, 400)["errors"]]
    assert etag(osaka_api, reference) == before
