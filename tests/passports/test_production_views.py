"""HQ's production queue and batches, the collection desk and hand-over, the MRZ check and loss reports."""

import hashlib
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from consular.audit.models import AuditEntry
from consular.documents import mrz
from consular.identity.models import IdentityDocument
from consular.workflow.models import Case, CaseAccess
from passports import actions
from passports.models import (
    Invalidation,
    LossReport,
    NumberSeries,
    Passport,
    PassportApplication,
    ProductionBatch,
    Status,
)
from tests.accounts.test_security import reauthenticated
from tests.identity.factories import IdentityDocumentFactory, PersonFactory
from tests.passports.factories import approve, submit

QUEUE = "/passports/production/"
BATCHES = "/passports/batches/"
DESK = "/passports/collection/"
MRZ = "/passports/mrz/"
LOST = "/passports/lost/"


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
def approved(applicant, clerk, officer, hq):
    """SATO KENJI's new passport, approved in New York and waiting at HQ."""
    return approve(submit(clerk, applicant), clerk, officer)


@pytest.fixture
def previous_passport(applicant):
    return IdentityDocumentFactory(
        person=applicant, number="TK7654321", issued_on=date(2017, 3, 1), expires_on=date(2027, 3, 1)
    )


@pytest.fixture
def renewal(applicant, clerk, officer, hq, previous_passport):
    """A renewal: handing the new passport over cancels TK7654321."""
    return approve(submit(clerk, applicant, kind="renewal", previous_passport=previous_passport), clerk, officer)


def batch_of(hq_actor) -> ProductionBatch:
    return actions.create_batch(by=hq_actor)


def printed(batch: ProductionBatch, hq_actor) -> ProductionBatch:
    batch.refresh_from_db()
    return actions.mark_batch_printed(batch, by=hq_actor, expected_version=batch.version)


def dispatched(batch: ProductionBatch, hq_actor) -> ProductionBatch:
    printed(batch, hq_actor)
    batch.refresh_from_db()
    return actions.dispatch_batch(batch, by=hq_actor, expected_version=batch.version)


def ready(application: PassportApplication, hq_actor, clerk) -> PassportApplication:
    """Produced, printed, dispatched to New York and received there."""
    dispatched(batch_of(hq_actor), hq_actor)
    actions.receive_shipment([Case.unscoped.get(pk=application.case_id)], by=clerk)
    return PassportApplication.unscoped.select_related("case").get(pk=application.pk)


def make_approved(count: int, nyc, hq) -> list[PassportApplication]:
    """Approved applications straight into the tables: the queue tests need rows, not their history."""
    now = timezone.now()
    start = Case.unscoped.count()
    person = PersonFactory(created_by_office=nyc)
    cases = Case.unscoped.bulk_create(
        Case(
            reference=f"P-2026-NYC-9{start + number:05d}",
            case_type="passport",
            person=person,
            current_office=hq,
            originating_office=nyc,
            status=Status.APPROVED,
            submitted_at=now - timedelta(days=3),
            due_at=now + timedelta(minutes=number),
        )
        for number in range(1, count + 1)
    )
    # The access rows open_case at New York and the hand-over to HQ write.
    CaseAccess.objects.bulk_create(
        CaseAccess(case=case, office=office, submitted_at=case.submitted_at) for case in cases for office in (nyc, hq)
    )
    return PassportApplication.unscoped.bulk_create(
        PassportApplication(
            case=case,
            kind="new",
            validity_years=10,
            collecting_office=nyc,
            applied_on=date.today(),
            age_on_application=41,
            fee_jpy=16_000,
            fee_amount=10_667,
            fee_currency="USD",
        )
        for case in cases
    )


def detail(batch: ProductionBatch) -> str:
    return f"{BATCHES}{batch.reference}/"


def collect_url(application: PassportApplication) -> str:
    return f"/passports/{application.case.reference}/collect/"


# Who may see production


@pytest.mark.parametrize("member", ["nyc_clerk", "nyc_officer", "london_clerk"])
def test_production_pages_are_404_outside_hq(english, request, hq_actor, approved, member):
    batch = batch_of(hq_actor)
    client = english(request.getfixturevalue(member))
    for url in (QUEUE, BATCHES, detail(batch), f"{detail(batch)}export/"):
        assert client.get(url).status_code == 404, url
    assert client.post(QUEUE, {"form": "oldest", "count": 5}).status_code == 404
    assert not ProductionBatch.unscoped.exclude(pk=batch.pk).exists()


def test_hq_staff_who_are_not_hq_officers_are_refused(english, hq_admin, approved):
    client = english(hq_admin)
    assert client.get(QUEUE).status_code == 403
    assert client.get(BATCHES).status_code == 403


def test_auditor_reads_the_queue_and_batches_but_cannot_create_or_move_a_batch(english, auditor, hq_actor, approved):
    client = english(auditor)
    page = client.get(QUEUE)
    assert page.status_code == 200 and approved.case.reference in page.text
    assert "Create a batch" not in page.text
    assert client.post(QUEUE, {"form": "oldest", "count": 5}).status_code == 403
    batch = batch_of(hq_actor)
    assert client.get(detail(batch)).status_code == 200
    assert client.post(detail(batch), {"step": "printed", "version": batch.version}).status_code == 403
    assert client.get(f"{detail(batch)}export/").status_code == 403
    batch.refresh_from_db()
    assert batch.state == ProductionBatch.State.CREATED


# Production queue


def test_queue_lists_approved_applications_and_the_numbers_left(english, hq_officer, approved):
    response = english(hq_officer).get(QUEUE)
    assert response.status_code == 200
    assert approved.case.reference in response.text and "SATO KENJI" in response.text
    assert "TZ0000001" in response.text and "9999999" in response.text  # the open series, next and left
    assert AuditEntry.unscoped.filter(
        username="hq_officer", action="read", object_repr="passport production queue"
    ).exists()


def test_creating_a_batch_from_ticked_applications_opens_the_batch(english, hq_officer, approved, nyc, hq):
    (other,) = make_approved(1, nyc, hq)
    response = english(hq_officer).post(QUEUE, {"form": "selection", "applications": [approved.pk]})
    batch = ProductionBatch.unscoped.get()
    assert response.status_code == 302 and response["Location"] == detail(batch)
    assert batch.size == 1 and batch.export_sha256
    approved.refresh_from_db()
    other.refresh_from_db()
    assert approved.batch == batch and other.batch is None
    assert Case.unscoped.get(pk=approved.case_id).status == Status.IN_PRODUCTION


def test_creating_a_batch_with_nothing_ticked_is_rejected_and_saves_nothing(english, hq_officer, approved):
    response = english(hq_officer).post(QUEUE, {"form": "selection"})
    assert response.status_code == 400
    assert "Tick at least one application to put in the batch." in response.text
    assert not ProductionBatch.unscoped.exists()
    assert NumberSeries.objects.get().next_number == 1


def test_creating_a_batch_when_the_numbers_ran_out_is_rejected_and_saves_nothing(english, hq_officer, approved):
    NumberSeries.objects.update(next_number=10_000_000 - 1, last_number=9_999_998)  # used up
    response = english(hq_officer).post(QUEUE, {"form": "selection", "applications": [approved.pk]})
    assert response.status_code == 400
    assert "open a new series first" in response.text
    assert "No number series has numbers left." in response.text
    assert approved.case.reference in response.text  # the queue is still there, with the ticked row
    assert "checked" in response.text
    assert not ProductionBatch.unscoped.exists() and not Passport.unscoped.exists()
    assert not IdentityDocument.unscoped.filter(status=IdentityDocument.Status.PENDING).exists()
    assert Case.unscoped.get(pk=approved.case_id).status == Status.APPROVED


def test_a_batch_whose_mrz_cannot_be_written_is_refused_by_name_and_saves_nothing(english, hq_officer, approved):
    # A record from before the Latin-name rule (or written past it): the MRZ writer refuses it,
    # and HQ reads which application and why instead of a server error.
    Person = type(approved.case.person)
    Person.unscoped.filter(pk=approved.case.person_id).update(given_names="ΑΛΈΞΑΝΔΡΟΣ")
    response = english(hq_officer).post(QUEUE, {"form": "selection", "applications": [approved.pk]})
    assert response.status_code == 400
    assert approved.case.reference in response.text
    assert "The given names hold “Α” (U+0391 GREEK CAPITAL LETTER ALPHA)" in response.text
    assert "no batch was created" in response.text
    assert not ProductionBatch.unscoped.exists() and not Passport.unscoped.exists()
    assert NumberSeries.objects.get().next_number == 1
    assert Case.unscoped.get(pk=approved.case_id).status == Status.APPROVED


def test_a_batch_of_the_oldest_takes_that_many_oldest_first(english, hq_officer, nyc, hq, fees):
    first, second, _third = make_approved(3, nyc, hq)
    response = english(hq_officer).post(QUEUE, {"form": "oldest", "count": 2})
    assert response.status_code == 302
    batch = ProductionBatch.unscoped.get()
    assert set(batch.applications.values_list("pk", flat=True)) == {first.pk, second.pk}


def test_a_batch_with_an_empty_queue_says_so(english, hq_officer, hq, fees):
    response = english(hq_officer).post(QUEUE, {"form": "oldest", "count": 2})
    assert response.status_code == 400
    assert "No approved application is waiting for production." in response.text


def test_opening_a_number_series_shows_it_with_its_numbers_left(english, hq_officer, fees):
    client = english(hq_officer)
    response = client.post(QUEUE, {"form": "series", "prefix": "tk", "first": 1, "last": 500})
    assert response.status_code == 302
    series = NumberSeries.objects.get(prefix="TK")
    assert (series.next_number, series.last_number) == (1, 500)
    assert "TK0000500" in client.get(QUEUE).text


def test_opening_a_prefix_twice_is_rejected_next_to_the_prefix(english, hq_officer, fees):
    response = english(hq_officer).post(QUEUE, {"form": "series", "prefix": "TZ", "first": 1, "last": 9_999_999})
    assert response.status_code == 400
    assert response.context["series_form"].errors["prefix"]
    assert NumberSeries.objects.count() == 1


def test_queue_pages_continue_after_the_last_row_without_repeats(english, hq_officer, nyc, hq, fees):
    applications = make_approved(53, nyc, hq)
    client = english(hq_officer)
    first = client.get(QUEUE)
    second = client.get(f"{QUEUE}?{first.context['next_query']}")
    shown = [row["id"] for row in first.context["rows"]] + [row["id"] for row in second.context["rows"]]
    assert sorted(shown) == sorted(application.pk for application in applications)
    assert not second.context["next_query"]


def test_garbled_page_link_is_a_clear_400(english, hq_officer, fees):
    response = english(hq_officer).get(QUEUE, {"after": "not-a-cursor"})
    assert response.status_code == 400
    assert "not valid any more" in response.text


def test_queue_costs_the_same_queries_at_1_and_50_rows_and_never_counts(
    english, hq_officer, nyc, hq, fees, django_assert_max_num_queries
):
    client = english(hq_officer)
    make_approved(1, nyc, hq)
    client.get(QUEUE)  # warm the session and caches
    with django_assert_max_num_queries(15) as one:
        assert len(client.get(QUEUE).context["rows"]) == 1
    make_approved(49, nyc, hq)
    with django_assert_max_num_queries(len(one.captured_queries)) as fifty:
        assert len(client.get(QUEUE).context["rows"]) == 50
    assert not [q["sql"] for q in fifty.captured_queries if "COUNT(" in q["sql"].upper()]


# Batches


def test_batch_list_shows_state_size_and_checksum(english, hq_officer, hq_actor, approved):
    batch = batch_of(hq_actor)
    response = english(hq_officer).get(BATCHES)
    assert response.status_code == 200
    assert batch.reference in response.text and batch.export_sha256 in response.text
    assert "Sent to the printer" in response.text
    assert batch.reference not in english(hq_officer).get(BATCHES, {"state": "printed"}).text


def test_batch_detail_lists_its_passports_with_their_applications(english, hq_officer, hq_actor, approved):
    batch = batch_of(hq_actor)
    response = english(hq_officer).get(detail(batch))
    assert response.status_code == 200
    passport = Passport.unscoped.get()
    assert passport.number in response.text and "SATO KENJI" in response.text
    assert f'href="/passports/{approved.case.reference}/"' in response.text
    assert "NYC" in response.text


def test_unknown_batch_is_404(english, hq_officer, fees):
    assert english(hq_officer).get(f"{BATCHES}B-2026-999999/").status_code == 404


def test_marking_printed_then_dispatching_sends_each_case_to_its_collecting_office(
    english, hq_officer, hq_actor, approved, nyc
):
    batch = batch_of(hq_actor)
    client = english(hq_officer)
    response = client.post(detail(batch), {"step": "printed", "version": batch.version})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == ProductionBatch.State.PRINTED
    assert client.post(detail(batch), {"step": "dispatch", "version": batch.version}).status_code == 302
    batch.refresh_from_db()
    case = Case.unscoped.get(pk=approved.case_id)
    assert batch.state == ProductionBatch.State.DISPATCHED
    assert (case.status, case.current_office) == (Status.DISPATCHED, nyc)


def test_stale_batch_version_is_a_conflict_and_keeps_the_reason(english, hq_officer, hq_actor, approved):
    batch = batch_of(hq_actor)
    seen_version = batch.version
    printed(batch, hq_actor)  # someone else, meanwhile
    response = english(hq_officer).post(
        detail(batch),
        {"step": "cancel", "version": seen_version, "reason": "Ink smudged on every data page", "confirm": "on"},
    )
    assert response.status_code == 409
    assert "Someone else changed this batch" in response.text
    assert "Ink smudged on every data page" in response.text
    batch.refresh_from_db()
    assert batch.state == ProductionBatch.State.PRINTED


def test_marking_printed_twice_from_the_same_page_is_a_conflict(english, hq_officer, hq_actor, approved):
    batch = batch_of(hq_actor)
    seen_version = batch.version
    printed(batch, hq_actor)
    response = english(hq_officer).post(detail(batch), {"step": "printed", "version": seen_version})
    assert response.status_code == 409
    batch.refresh_from_db()
    assert batch.version == seen_version + 1


def test_dispatching_an_unprinted_batch_is_refused_with_the_reason(english, hq_officer, hq_actor, approved):
    batch = batch_of(hq_actor)
    response = english(hq_officer).post(detail(batch), {"step": "dispatch", "version": batch.version})
    assert response.status_code == 400
    assert "A batch is dispatched once it is printed." in response.text
    batch.refresh_from_db()
    assert batch.state == ProductionBatch.State.CREATED


def test_cancelling_without_a_reason_is_rejected_and_saves_nothing(english, hq_officer, hq_actor, approved):
    batch = batch_of(hq_actor)
    response = english(hq_officer).post(detail(batch), {"step": "cancel", "version": batch.version, "reason": "  "})
    assert response.status_code == 400
    assert "Say why the batch is cancelled." in response.text
    batch.refresh_from_db()
    assert batch.state == ProductionBatch.State.CREATED
    assert not Invalidation.objects.exists()


def test_cancelling_voids_the_numbers_and_returns_the_applications_to_the_queue(
    english, hq_officer, hq_actor, approved
):
    batch = batch_of(hq_actor)
    client = english(hq_officer)
    response = client.post(
        detail(batch), {"step": "cancel", "version": batch.version, "reason": "Printer jam", "confirm": "on"}
    )
    assert response.status_code == 302
    passport = Passport.unscoped.select_related("document").get()
    assert passport.document.status == IdentityDocument.Status.CANCELLED
    assert Invalidation.objects.filter(number=passport.number, reason="cancelled").exists()
    assert approved.case.reference in client.get(QUEUE).text


def test_export_needs_reauthentication(english, hq_officer, hq_actor, approved):
    batch = batch_of(hq_actor)
    response = english(hq_officer).get(f"{detail(batch)}export/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert not AuditEntry.unscoped.filter(action="export").exists()


def test_export_downloads_the_printer_file_uncached_and_is_audited(english, hq_officer, hq_actor, approved):
    batch = batch_of(hq_actor)
    response = reauthenticated(english(hq_officer)).get(f"{detail(batch)}export/")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"  # consular.middleware.NoStoreMiddleware
    assert response["Content-Type"] == "application/json"
    assert f'filename="{batch.reference}.json"' in response["Content-Disposition"]
    assert hashlib.sha256(body).hexdigest() == batch.export_sha256
    assert AuditEntry.unscoped.filter(username="hq_officer", action="export", object_id=str(batch.pk)).exists()


def test_a_cancelled_batch_has_no_printer_file(english, hq_officer, hq_actor, approved):
    batch = batch_of(hq_actor)
    actions.cancel_batch(batch, by=hq_actor, expected_version=batch.version, reason="Printer jam")
    assert reauthenticated(english(hq_officer)).get(f"{detail(batch)}export/").status_code == 404


# Collection desk


def test_desk_lists_passports_on_their_way_to_us_and_no_one_else(english, nyc_clerk, london_clerk, hq_actor, approved):
    dispatched(batch_of(hq_actor), hq_actor)
    number = Passport.unscoped.get().number
    response = english(nyc_clerk).get(DESK)
    assert response.status_code == 200
    assert approved.case.reference in response.text and number in response.text
    elsewhere = english(london_clerk).get(DESK)
    assert elsewhere.status_code == 200 and approved.case.reference not in elsewhere.text


def test_receiving_ticked_passports_makes_them_ready_for_collection(english, nyc_clerk, hq_actor, approved):
    dispatched(batch_of(hq_actor), hq_actor)
    client = english(nyc_clerk)
    response = client.post(DESK, {"cases": [approved.case_id]})
    assert response.status_code == 302
    assert Case.unscoped.get(pk=approved.case_id).status == Status.READY
    page = client.get(DESK)
    assert f'href="/passports/{approved.case.reference}/collect/"' in page.text


def test_receiving_with_nothing_ticked_is_rejected(english, nyc_clerk, hq_actor, approved):
    dispatched(batch_of(hq_actor), hq_actor)
    response = english(nyc_clerk).post(DESK, {})
    assert response.status_code == 400
    assert "Tick the passports that arrived." in response.text
    assert Case.unscoped.get(pk=approved.case_id).status == Status.DISPATCHED


def test_receiving_a_passport_someone_already_received_is_a_conflict(english, nyc_clerk, clerk, hq_actor, approved):
    ready(approved, hq_actor, clerk)
    response = english(nyc_clerk).post(DESK, {"cases": [approved.case_id]})
    assert response.status_code == 409
    assert "no longer on their way here" in response.text


def test_another_office_cannot_receive_our_passports(english, london_clerk, hq_actor, approved):
    dispatched(batch_of(hq_actor), hq_actor)
    response = english(london_clerk).post(DESK, {"cases": [approved.case_id]})
    assert response.status_code == 409
    assert Case.unscoped.get(pk=approved.case_id).status == Status.DISPATCHED


def test_ready_list_filters_by_reference_or_name(english, nyc_clerk, clerk, hq_actor, approved):
    ready(approved, hq_actor, clerk)
    client = english(nyc_clerk)
    reference = approved.case.reference
    assert reference in client.get(DESK, {"q": reference.lower()}).text
    assert reference in client.get(DESK, {"q": "sato ken"}).text
    missing = client.get(DESK, {"q": "TANAKA"})
    assert reference not in missing.text and "No passport ready for collection matches." in missing.text


# Collect


def test_collect_page_shows_the_applicant_photo_new_number_and_the_passport_to_cancel(
    english, nyc_clerk, clerk, hq_actor, renewal
):
    application = ready(renewal, hq_actor, clerk)
    response = english(nyc_clerk).get(collect_url(application))
    assert response.status_code == 200
    text = response.text
    assert "SATO KENJI" in text and Passport.unscoped.get().number in text
    assert f'src="/passports/{application.case.reference}/photo/"' in text
    assert "TK7654321" in text and "It is cancelled when the new passport is handed over." in text
    assert AuditEntry.unscoped.filter(
        username="nyc_clerk", action="read", object_id=str(application.case.person_id)
    ).exists()


def test_other_office_application_on_collect_is_404(english, london_clerk, clerk, hq_actor, approved):
    application = ready(approved, hq_actor, clerk)
    client = english(london_clerk)
    assert client.get(collect_url(application)).status_code == 404
    response = client.post(collect_url(application), {"identity_evidence": "Passport", "version": 1})
    assert response.status_code == 404


def test_collect_without_identity_evidence_is_rejected_and_saves_nothing(english, nyc_clerk, clerk, hq_actor, approved):
    application = ready(approved, hq_actor, clerk)
    response = english(nyc_clerk).post(
        collect_url(application), {"identity_evidence": "   ", "version": application.case.version}
    )
    assert response.status_code == 400
    assert "Say how the applicant&#x27;s identity was checked." in response.text
    application.refresh_from_db()
    assert application.identity_checked_at is None
    assert Case.unscoped.get(pk=application.case_id).status == Status.READY
    assert Passport.unscoped.get().document.status == IdentityDocument.Status.PENDING


def test_collect_with_a_stale_version_is_a_conflict_and_keeps_the_evidence(
    english, nyc_clerk, clerk, hq_actor, approved
):
    application = ready(approved, hq_actor, clerk)
    response = english(nyc_clerk).post(
        collect_url(application),
        {"identity_evidence": "Driving licence NY 123", "version": application.case.version - 1},
    )
    assert response.status_code == 409
    assert "Driving licence NY 123" in response.text
    assert Case.unscoped.get(pk=application.case_id).status == Status.READY


def test_auditor_cannot_hand_a_passport_over(english, auditor, clerk, hq_actor, approved):
    application = ready(approved, hq_actor, clerk)
    client = english(auditor)
    assert client.get(collect_url(application)).status_code == 200
    response = client.post(
        collect_url(application), {"identity_evidence": "Passport", "version": application.case.version}
    )
    assert response.status_code == 403


def test_full_path_issues_the_new_passport_and_cancels_the_old_one(
    english, hq_officer, nyc_clerk, renewal, previous_passport, nyc
):
    hq = english(hq_officer)
    assert hq.post(QUEUE, {"form": "selection", "applications": [renewal.pk]}).status_code == 302
    batch = ProductionBatch.unscoped.get()
    assert hq.post(detail(batch), {"step": "printed", "version": 1}).status_code == 302
    assert hq.post(detail(batch), {"step": "dispatch", "version": 2}).status_code == 302

    desk = english(nyc_clerk)
    assert desk.post(DESK, {"cases": [renewal.case_id]}).status_code == 302
    case = Case.unscoped.get(pk=renewal.case_id)
    response = desk.post(
        collect_url(renewal), {"identity_evidence": "Previous passport TK7654321", "version": case.version}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/passports/{renewal.case.reference}/"

    passport = Passport.unscoped.select_related("document").get()
    previous_passport.refresh_from_db()
    case.refresh_from_db()
    assert passport.document.status == IdentityDocument.Status.VALID
    assert previous_passport.status == IdentityDocument.Status.CANCELLED
    assert (case.status, case.current_office) == (Status.ISSUED, nyc)
    assert Invalidation.objects.filter(number="TK7654321", reason="cancelled").exists()


# MRZ check


def td3(**overrides) -> tuple[str, str]:
    fields = {
        "document_code": "P",
        "issuing_state": "JPN",
        "surname": "SATO",
        "given_names": "KENJI",
        "number": "TZ0000001",
        "nationality": "JPN",
        "sex": "M",
        "expiry_date": date(2036, 5, 16),
        "birth_date": date(1990, 5, 17),
    } | overrides
    return mrz.td3_lines(mrz.PassportData(**fields))


def test_a_good_mrz_shows_every_field_and_no_problem(english, london_clerk, nyc):
    IdentityDocumentFactory(person=PersonFactory(created_by_office=nyc), number="TZ0000001")
    line1, line2 = td3()
    response = english(london_clerk).post(MRZ, {"mrz": f"{line1}\n{line2}"})
    assert response.status_code == 200
    assert "Every field and check digit is correct, and the register has this passport as valid." in response.text
    rows = {row["field"]: row for row in response.context["rows"]}
    assert rows["number"]["value"] == "TZ0000001" and rows["birth_date"]["value"] == "1990-05-17"
    assert not any(row["problems"] for row in rows.values())


def test_a_wrong_check_digit_is_named_next_to_its_field(english, london_clerk):
    line1, line2 = td3()
    wrong = str((int(line2[9]) + 1) % 10)
    response = english(london_clerk).post(MRZ, {"mrz": f"{line1}\n{line2[:9]}{wrong}{line2[10:]}"})
    assert response.status_code == 200
    rows = {row["field"]: row for row in response.context["rows"]}
    assert any("check digit of the document number" in problem for problem in rows["number"]["problems"])
    assert not rows["birth_date"]["problems"]
    assert "This MRZ has problems" in response.text


def test_a_code_no_state_has_and_a_letter_in_the_filler_are_named_next_to_their_fields(english, london_clerk):
    line1, line2 = td3()
    line1 = "P<KOC" + line1[5:-1] + "X"  # SATO<<KENJI, fillers, and an X written at the end
    response = english(london_clerk).post(MRZ, {"mrz": f"{line1}\n{line2[:10]}FFN{line2[13:]}"})
    assert response.status_code == 200
    rows = {row["field"]: row for row in response.context["rows"]}
    assert rows["issuing_state"]["problems"] == [
        "The issuing state KOC is not a country code: neither ISO 3166-1 nor ICAO Doc 9303 has it."
    ]
    assert rows["nationality"]["problems"] == [
        "The nationality FFN is not a country code: neither ISO 3166-1 nor ICAO Doc 9303 has it."
    ]
    assert rows["name"]["problems"] == [
        "The name has letters after the fillers that end it, from position 44 of line 1."
    ]


def test_mrz_garbage_is_a_clear_400_and_stores_nothing(english, london_clerk):
    client = english(london_clerk)
    before = AuditEntry.unscoped.count()
    response = client.post(MRZ, {"mrz": "hello there"})
    assert response.status_code == 400
    assert "A passport MRZ has 2 lines; this text has 1." in response.text
    assert client.post(MRZ, {"mrz": ""}).status_code == 400
    assert AuditEntry.unscoped.count() == before


def test_mrz_check_page_is_open_to_every_member_of_staff(english, nyc_clerk, auditor, hq_officer):
    for member in (nyc_clerk, auditor, hq_officer):
        assert english(member).get(MRZ).status_code == 200


# Loss and theft


@pytest.fixture
def nyc_passport(nyc):
    """A valid Japanese passport of a person only New York knows."""
    person = PersonFactory(
        created_by_office=nyc, family_name="TANAKA", given_names="YUKI", birth_year=1988, birth_month=2, birth_day=29
    )
    return IdentityDocumentFactory(person=person, number="TZ1234567")


def lost(**overrides) -> dict:
    return {
        "number": "tz 1234567",
        "family_name": "Tanaka",
        "date_of_birth": "1988-02-29",
        "kind": "lost",
        "circumstances": "Left on the train from Heathrow",
        "police_reference": "",
        "happened_on": "",
        "confirm": "on",
    } | overrides


def test_any_mission_reports_a_loss_and_the_number_is_invalid_at_once(english, london_clerk, nyc_passport):
    client = english(london_clerk)
    response = client.post(LOST, lost())
    assert response.status_code == 302
    report = LossReport.unscoped.get()
    assert response["Location"] == f"{LOST}?report={report.pk}"
    confirmation = client.get(response["Location"])
    assert "Passport TZ1234567 is now invalid" in confirmation.text
    nyc_passport.refresh_from_db()
    assert nyc_passport.status == IdentityDocument.Status.LOST
    assert Invalidation.objects.filter(number="TZ1234567", reason="lost").exists()
    assert report.office.code == "LON"


def test_a_mismatch_reveals_nothing_and_saves_nothing(english, london_clerk, nyc_passport):
    response = english(london_clerk).post(LOST, lost(date_of_birth="1988-03-01"))
    assert response.status_code == 400
    assert "No passport matches these details" in response.text
    assert "YUKI" not in response.text
    assert not LossReport.unscoped.exists()
    nyc_passport.refresh_from_db()
    assert nyc_passport.status == IdentityDocument.Status.VALID


def test_a_theft_without_the_police_reference_is_rejected_next_to_the_field(english, london_clerk, nyc_passport):
    response = english(london_clerk).post(LOST, lost(kind="stolen"))
    assert response.status_code == 400
    assert response.context["form"].errors["police_reference"] == ["A theft needs the police report reference."]
    assert not LossReport.unscoped.exists()


def test_a_loss_report_with_a_bidi_override_is_refused_next_to_the_field(english, london_clerk, nyc_passport):
    response = english(london_clerk).post(LOST, lost(circumstances="Lost at \u202eeciffo tsop"))
    assert response.status_code == 400
    [error] = response.context["form"].errors["circumstances"]
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in error
    assert not LossReport.unscoped.exists()


def test_a_passport_already_reported_cannot_be_reported_again(english, london_clerk, nyc_clerk, nyc_passport):
    assert english(nyc_clerk).post(LOST, lost()).status_code == 302
    response = english(london_clerk).post(LOST, lost(kind="stolen", police_reference="MET-2026-1"))
    assert response.status_code == 400
    assert "This passport is already Lost." in response.text
    assert LossReport.unscoped.count() == 1


def test_auditors_read_the_loss_report_page_but_cannot_report(english, auditor, nyc_passport):
    client = english(auditor)
    assert client.get(LOST).status_code == 200
    assert client.post(LOST, lost()).status_code == 403
    assert not LossReport.unscoped.exists()


def test_another_office_cannot_read_a_loss_report_confirmation(english, london_clerk, nyc_clerk, nyc_passport):
    english(nyc_clerk).post(LOST, lost())
    report = LossReport.unscoped.get()
    assert english(london_clerk).get(LOST, {"report": report.pk}).status_code == 404


def test_batch_list_pages_after_the_last_batch_and_filters_by_state(english, hq_officer, hq, fees):
    ProductionBatch.unscoped.bulk_create(
        ProductionBatch(reference=f"B-2026-{n:06d}", created_by="hq_officer", size=0,
                        state="printed" if n % 2 else "created")
        for n in range(1, 56)
    )
    client = english(hq_officer)

    first = client.get(BATCHES)
    second = client.get(f"{BATCHES}?{first.context['next_query']}")
    printed_only = client.get(BATCHES, {"state": "printed"})

    shown = [row["reference"] for row in first.context["rows"] + second.context["rows"]]
    assert len(shown) == 55 == len(set(shown)) and second.context["next_query"] == ""
    assert {row["state"] for row in printed_only.context["rows"]} == {"printed"}


def test_a_garbled_batch_page_link_is_a_clear_400(english, hq_officer, fees):
    response = english(hq_officer).get(BATCHES, {"after": "%%%"})

    assert response.status_code == 400 and "not valid any more" in response.text
