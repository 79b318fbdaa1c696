"""Passport actions: pricing, intake rules, checks, payment, production, collection, lapse, loss and theft."""

import hashlib
import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from consular.audit.models import AuditEntry
from consular.documents import mrz
from consular.identity.models import IdentityDocument
from consular.offices.scoping import Actor
from consular.workflow.actions import TransitionRefused, fire
from consular.workflow.models import Case
from passports import actions
from passports.models import (
    ChecklistItem,
    Invalidation,
    LossReport,
    NumberSeries,
    Passport,
    PassportApplication,
    ProductionBatch,
    Status,
    age_on,
)
from tests.identity.factories import IdentityDocumentFactory, PersonFactory, actor_for
from tests.passports.factories import approve, passport_photo, submit


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


def errors_of(raised: pytest.ExceptionInfo) -> dict:
    return {field: [str(message) for message in messages] for field, messages in raised.value.message_dict.items()}


# --- fees ----------------------------------------------------------------------------


@pytest.mark.parametrize("passport_type, years, age, amount", [
    ("ordinary", 10, 30, 16_000), ("ordinary", 5, 30, 11_000), ("ordinary", 5, 12, 11_000),
    ("ordinary", 5, 11, 6_000), ("ordinary", 5, 0, 6_000), ("diplomatic", 5, 40, 0),
])
def test_the_fee_follows_the_schedule_by_type_validity_and_age(fees, passport_type, years, age, amount):
    assert actions.fee_in_yen(passport_type, years, age, date(2026, 11, 30)) == amount


def test_a_newer_schedule_line_applies_from_its_date(fees):
    from passports.models import Fee

    Fee.objects.create(passport_type="ordinary", validity_years=10, min_age=18, amount_jpy=16_300,
                       effective_from=date(2026, 12, 1))

    assert actions.fee_in_yen("ordinary", 10, 30, date(2026, 11, 30)) == 16_000
    assert actions.fee_in_yen("ordinary", 10, 30, date(2026, 12, 1)) == 16_300


@pytest.mark.parametrize("birth, day, age", [
    ((2008, 11, 30), date(2026, 11, 30), 18), ((2008, 12, 1), date(2026, 11, 30), 17),
    ((2008, None, None), date(2026, 11, 30), 17), ((2008, None, None), date(2026, 12, 31), 18),
    ((None, None, None), date(2026, 11, 30), None),
])
def test_age_counts_a_partial_birth_date_from_its_latest_possible_day(birth, day, age):
    assert age_on(birth, day) == age


# --- intake --------------------------------------------------------------------------


def test_submitting_opens_a_case_prices_it_and_lists_what_to_bring(applicant, clerk):
    application = submit(clerk, applicant)

    assert application.case.reference.startswith("P-") and "-NYC-" in application.case.reference
    assert application.case.status == Status.SUBMITTED
    assert (application.fee_jpy, application.fee_amount, application.fee_currency) == (16_000, 10_667, "USD")
    assert set(application.checklist_items.values_list("code", flat=True)) == {
        "application_form", "photo", "family_register", "proof_of_residence"}
    assert application.photo.name and application.photo_content_type == "image/jpeg"
    assert AuditEntry.objects.filter(object_type="passports.passportapplication", action="create").exists()


def test_the_photo_is_stored_outside_the_web_root_without_its_metadata(applicant, clerk, settings):
    application = submit(clerk, applicant)

    path = application.photo.path
    assert path.startswith(str(settings.PROTECTED_MEDIA_ROOT)) and not path.startswith(str(settings.STATIC_ROOT))


def test_a_ten_year_passport_for_a_minor_is_refused_and_nothing_is_saved(nyc, clerk, fees):
    teenager = PersonFactory(created_by_office=nyc, birth_year=timezone.now().year - 15)

    with pytest.raises(ValidationError) as raised:
        submit(clerk, teenager, validity_years=10)

    assert "validity_years" in errors_of(raised) and "from age 18" in errors_of(raised)["validity_years"][0]
    assert not Case.unscoped.exists() and not PassportApplication.unscoped.exists()


def test_every_problem_is_reported_at_once_next_to_its_field(nyc, clerk, fees):
    foreigner = PersonFactory(created_by_office=nyc, nationalities=["USA"])

    with pytest.raises(ValidationError) as raised:
        submit(clerk, foreigner, kind="replacement", passport_type="diplomatic", photo=b"not an image")

    assert set(errors_of(raised)) == {"person", "passport_type", "replacement_reason", "previous_passport", "photo"}


def test_a_renewal_names_one_of_the_applicants_own_passports(applicant, clerk, nyc):
    someone_elses = IdentityDocumentFactory(person=PersonFactory(created_by_office=nyc))

    with pytest.raises(ValidationError) as raised:
        submit(clerk, applicant, kind="renewal", previous_passport=someone_elses)

    assert "previous_passport" in errors_of(raised)


def test_auditors_cannot_take_applications(applicant, auditor):
    with pytest.raises(PermissionDenied):
        submit(actor_for(auditor), applicant)


# --- checks and payment --------------------------------------------------------------


def test_a_family_register_extract_older_than_six_months_is_refused(applicant, clerk):
    application = submit(clerk, applicant)
    extract = application.checklist_items.get(code=ChecklistItem.Code.FAMILY_REGISTER)

    with pytest.raises(ValidationError, match="within 6 months"):
        actions.verify_item(extract, by=clerk, expected_version=application.version,
                            document_dated=application.applied_on - timedelta(days=200))

    extract.refresh_from_db()
    assert not extract.verified


def test_verifying_records_who_and_a_stale_form_is_a_conflict(applicant, clerk):
    from consular.versions import StaleVersion

    application = submit(clerk, applicant)
    read_version = application.version
    form = application.checklist_items.get(code=ChecklistItem.Code.APPLICATION_FORM)
    actions.verify_item(form, by=clerk, expected_version=read_version)
    photo = application.checklist_items.get(code=ChecklistItem.Code.PHOTO)

    with pytest.raises(StaleVersion):
        actions.verify_item(photo, by=clerk, expected_version=read_version)  # another clerk's page, read before

    form.refresh_from_db()
    photo.refresh_from_db()
    assert (form.verified_by, photo.verified) == ("nyc_clerk", False)


def test_payment_must_be_the_fee_due_and_gives_a_numbered_receipt(applicant, clerk):
    application = submit(clerk, applicant)

    with pytest.raises(ValidationError, match=r"USD 106\.67"):
        actions.record_payment(application, by=clerk, amount=10_000, currency="USD",
                               expected_version=application.version)
    actions.record_payment(application, by=clerk, amount=10_667, currency="USD", expected_version=application.version)

    application.refresh_from_db()
    assert application.is_paid and application.receipt_number.endswith("-NYC-000001")
    with pytest.raises(ValidationError, match="already paid"):
        actions.record_payment(application, by=clerk, amount=10_667, currency="USD",
                               expected_version=application.version)


def test_another_office_cannot_touch_the_application(applicant, clerk, london_clerk):
    application = submit(clerk, applicant)

    with pytest.raises(PermissionDenied):
        actions.record_payment(application, by=actor_for(london_clerk), amount=10_667, currency="USD",
                               expected_version=application.version)


def test_a_document_upload_is_recognised_by_its_bytes(applicant, clerk):
    application = submit(clerk, applicant)
    item = application.checklist_items.get(code=ChecklistItem.Code.FAMILY_REGISTER)

    with pytest.raises(ValidationError, match="PDF, JPEG or PNG"):
        actions.upload_document(item, by=clerk, data=b"MZ\x90\x00 an executable", expected_version=application.version)
    actions.upload_document(item, by=clerk, data=b"%PDF-1.7 scan", expected_version=application.version)

    item.refresh_from_db()
    assert item.upload_content_type == "application/pdf" and item.upload.name.endswith(".pdf")


# --- production ----------------------------------------------------------------------


@pytest.fixture
def approved(applicant, clerk, officer, hq):
    return approve(submit(clerk, applicant), clerk, officer)


def test_a_batch_allocates_numbers_computes_the_mrz_and_exports_with_a_checksum(approved, hq_actor):
    batch = actions.create_batch(by=hq_actor)

    passport = Passport.objects.get(batch=batch)
    assert passport.number == "TZ0000001"
    parsed = mrz.parse_td3(passport.mrz)
    assert parsed.valid and (parsed.surname, parsed.given_names, parsed.number) == ("SATO", "KENJI", "TZ0000001")
    assert parsed.birth_date == (1990, 5, 17) and parsed.sex == "M"
    assert passport.expires_on == actions.add_years(passport.issued_on, 10)
    body = batch.export.read()
    assert hashlib.sha256(body).hexdigest() == batch.export_sha256
    assert json.loads(body)["passports"][0]["mrz"] == [passport.mrz_line1, passport.mrz_line2]
    assert passport.document.status == IdentityDocument.Status.PENDING
    approved.case.refresh_from_db()
    assert approved.case.status == Status.IN_PRODUCTION


def test_a_batch_refuses_a_name_the_mrz_cannot_write_and_names_the_application(approved, hq_actor, nyc, hq):
    from consular.identity.models import Person

    # Written past the validators (an import, an old record): the batch must not print a passport
    # whose MRZ leaves the given names out, nor fail with a server error.
    Person.unscoped.filter(pk=approved.case.person_id).update(given_names="ΑΛΈΞΑΝΔΡΟΣ")
    with pytest.raises(ValidationError) as refused:
        actions.create_batch(by=hq_actor)
    assert refused.value.messages[0].startswith(f"{approved.case.reference}: The given names hold “Α”")
    assert not ProductionBatch.unscoped.exists() and not IdentityDocument.unscoped.exists()
    assert NumberSeries.objects.get().next_number == 1


def test_only_hq_officers_produce_passports(approved, officer):
    with pytest.raises(PermissionDenied):
        actions.create_batch(by=officer)


def test_an_empty_queue_is_a_clear_error(hq_actor, fees):
    with pytest.raises(ValidationError, match="No approved application"):
        actions.create_batch(by=hq_actor)


def test_numbers_of_a_cancelled_batch_are_never_given_again(approved, hq_actor):
    first = actions.create_batch(by=hq_actor)
    voided = Passport.objects.get(batch=first)

    actions.cancel_batch(first, by=hq_actor, expected_version=first.version, reason="Printer jam")
    second = actions.create_batch(by=hq_actor)

    again = Passport.objects.get(batch=second)
    assert (voided.number, again.number) == ("TZ0000001", "TZ0000002")
    voided.document.refresh_from_db()
    assert voided.document.status == IdentityDocument.Status.CANCELLED
    assert Invalidation.objects.filter(number="TZ0000001", reason="cancelled").exists()


def test_numbers_run_on_into_the_next_series_and_stop_when_all_are_used(hq_actor, fees):
    NumberSeries.objects.filter(prefix="TZ").update(next_number=9_999_999)
    NumberSeries.objects.create(prefix="TY", next_number=1, last_number=2)

    assert actions.allocate_numbers(3) == ["TZ9999999", "TY0000001", "TY0000002"]
    with pytest.raises(ValidationError, match="open a new series"):
        actions.allocate_numbers(1)


def test_a_series_prefix_is_two_letters_and_opened_once(hq_actor, fees):
    with pytest.raises(ValidationError):
        actions.open_number_series(by=hq_actor, prefix="T1")
    with pytest.raises(ValidationError):
        actions.open_number_series(by=hq_actor, prefix="TZ")


def test_dispatch_needs_a_printed_batch_and_hands_each_case_to_its_collecting_office(approved, hq_actor):
    batch = actions.create_batch(by=hq_actor)

    with pytest.raises(TransitionRefused):
        actions.dispatch_batch(batch, by=hq_actor, expected_version=batch.version)
    actions.mark_batch_printed(batch, by=hq_actor, expected_version=batch.version)
    actions.dispatch_batch(batch, by=hq_actor, expected_version=batch.version)

    approved.case.refresh_from_db()
    assert (approved.case.status, approved.case.current_office.code) == (Status.DISPATCHED, "NYC")
    assert ProductionBatch.unscoped.get(pk=batch.pk).state == ProductionBatch.State.DISPATCHED


# --- collection ----------------------------------------------------------------------


def produce_and_receive(application, hq_actor, clerk) -> Passport:
    batch = actions.create_batch(by=hq_actor)
    actions.mark_batch_printed(batch, by=hq_actor, expected_version=batch.version)
    actions.dispatch_batch(batch, by=hq_actor, expected_version=batch.version)
    actions.receive_shipment([Case.unscoped.get(pk=application.case_id)], by=clerk)
    return Passport.objects.get(batch=batch)


def test_collection_cancels_the_old_passport_and_makes_the_new_one_valid(applicant, clerk, officer, hq_actor, hq):
    old = IdentityDocumentFactory(person=applicant, number="TK1111111")
    application = approve(submit(clerk, applicant, kind="renewal", previous_passport=old), clerk, officer)
    passport = produce_and_receive(application, hq_actor, clerk)
    application = PassportApplication.unscoped.get(pk=application.pk)

    actions.collect_passport(application, by=clerk, expected_version=application.case.version,
                             identity_evidence="Old passport TK1111111 and face")

    old.refresh_from_db()
    passport.document.refresh_from_db()
    application.case.refresh_from_db()
    assert (old.status, passport.document.status) == ("cancelled", "valid")
    assert (application.case.status, application.case.closed_at is not None) == (Status.ISSUED, True)
    assert Invalidation.objects.filter(number="TK1111111", reason="cancelled").exists()
    assert list(passport.status_changes.values_list("to_status", flat=True)) == ["pending", "valid"]


def test_collection_without_saying_how_identity_was_checked_changes_nothing(approved, clerk, hq_actor):
    produce_and_receive(approved, hq_actor, clerk)
    application = PassportApplication.unscoped.get(pk=approved.pk)

    with pytest.raises(ValidationError):
        actions.collect_passport(application, by=clerk, expected_version=application.case.version,
                                 identity_evidence="  ")

    application.case.refresh_from_db()
    assert application.case.status == Status.READY


def test_collection_evidence_with_a_hidden_character_is_refused_by_name_and_changes_nothing(approved, clerk, hq_actor):
    produce_and_receive(approved, hq_actor, clerk)
    application = PassportApplication.unscoped.get(pk=approved.pk)

    with pytest.raises(ValidationError) as raised:
        actions.collect_passport(application, by=clerk, expected_version=application.case.version,
                                 identity_evidence="Driving licence \u202e987654")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in errors_of(raised)["identity_evidence"][0]
    application.case.refresh_from_db()
    assert application.case.status == Status.READY


def test_a_passport_not_collected_within_six_months_lapses_once(approved, clerk, hq_actor):
    passport = produce_and_receive(approved, hq_actor, clerk)
    lapse_day = actions.add_years_months(passport.issued_on, 6)

    assert actions.lapse_uncollected_passports(lapse_day - timedelta(days=1)) == 0
    assert actions.lapse_uncollected_passports(lapse_day) == 1
    assert actions.lapse_uncollected_passports(lapse_day) == 0

    approved.case.refresh_from_db()
    passport.document.refresh_from_db()
    assert approved.case.status == Status.LAPSED and passport.document.status == "cancelled"
    assert approved.case.events.last().username == "system"
    assert Invalidation.objects.filter(number=passport.number, reason="lapsed").exists()


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 8, 31), 6, date(2027, 2, 28)), (date(2027, 8, 31), 6, date(2028, 2, 29)),
    (date(2026, 1, 15), 6, date(2026, 7, 15)), (date(2026, 12, 31), 6, date(2027, 6, 30)),
])
def test_six_months_later_is_the_same_day_or_the_months_last(day, months, expected):
    assert actions.add_years_months(day, months) == expected


# --- loss and theft ------------------------------------------------------------------


def test_a_stolen_passport_is_invalid_at_once_and_in_the_border_feed(applicant, london_clerk):
    document = IdentityDocumentFactory(person=applicant, number="TK2222222")
    details = actions.LossDetails(kind="stolen", circumstances="Bag taken on the Tube", police_reference="MET-42")

    report = actions.report_loss(document, by=actor_for(london_clerk), details=details)

    document.refresh_from_db()
    assert document.status == "stolen" and report.office.code == "LON"
    assert list(Invalidation.objects.values_list("number", "reason")) == [("TK2222222", "stolen")]


def test_a_theft_needs_a_police_reference_and_a_report_is_made_once(applicant, nyc_clerk):
    document = IdentityDocumentFactory(person=applicant)
    by = actor_for(nyc_clerk)

    with pytest.raises(ValidationError) as raised:
        actions.report_loss(document, by=by, details=actions.LossDetails(kind="stolen", circumstances="Taken"))
    assert set(errors_of(raised)) == {"police_reference"}

    actions.report_loss(document, by=by, details=actions.LossDetails(kind="lost", circumstances="Left on a train"))
    with pytest.raises(ValidationError, match="already Lost"):
        actions.report_loss(document, by=by, details=actions.LossDetails(kind="lost", circumstances="Again"))
    assert LossReport.unscoped.count() == 1 and Invalidation.objects.count() == 1


def test_a_loss_report_with_control_characters_is_refused_by_field_and_keeps_line_breaks(applicant, nyc_clerk):
    document = IdentityDocumentFactory(person=applicant)
    by = actor_for(nyc_clerk)
    hidden = actions.LossDetails(kind="stolen", circumstances="Bag\x1b[2J taken", police_reference="NYPD\u200b-7")
    with pytest.raises(ValidationError) as raised:
        actions.report_loss(document, by=by, details=hidden)
    errors = errors_of(raised)
    assert "U+001B ESCAPE" in errors["circumstances"][0] and "U+200B ZERO WIDTH SPACE" in errors["police_reference"][0]
    assert not LossReport.unscoped.exists()

    report = actions.report_loss(document, by=by, details=actions.LossDetails(
        kind="lost", circumstances="Left on the subway\r\nat 59 St\r\n"))
    assert report.circumstances == "Left on the subway\nat 59 St"


def test_a_foreign_passport_lost_is_recorded_but_not_put_in_our_border_feed(applicant, nyc_clerk):
    document = IdentityDocumentFactory(person=applicant, issuing_state="USA", number="123456789")

    actions.report_loss(document, by=actor_for(nyc_clerk),
                        details=actions.LossDetails(kind="lost", circumstances="Lost in a taxi"))

    document.refresh_from_db()
    assert document.status == "lost" and not Invalidation.objects.exists()


def test_the_system_actor_is_named_in_history():
    assert Actor.system(office=None).name == "system"


def test_the_photo_check_refuses_a_square_photo(applicant, clerk):
    with pytest.raises(ValidationError) as raised:
        submit(clerk, applicant, photo=passport_photo(600, 600))

    assert "photo" in errors_of(raised)


def test_a_case_moves_and_the_changed_clock_moves_with_it(approved, hq_actor):
    before = Case.unscoped.get(pk=approved.case_id).updated_at

    actions.create_batch(by=hq_actor)

    assert Case.unscoped.get(pk=approved.case_id).updated_at > before


def test_a_fired_step_outside_the_table_order_is_refused(approved, hq_actor):
    case = Case.unscoped.get(pk=approved.case_id)

    with pytest.raises(TransitionRefused):
        fire(case, "dispatch", by=hq_actor, expected_version=case.version)


def test_a_passport_lookup_for_a_loss_report_is_audited_and_probing_is_stopped(applicant, london_clerk, nyc):
    document = IdentityDocumentFactory(person=applicant, number="TK3333333")
    by = actor_for(london_clerk)
    born = date(1990, 5, 17)

    found = actions.find_passport_to_report(by=by, number="tk 3333333", family_name="sato", date_of_birth=born)
    assert found == document
    for _ in range(actions.LOOKUP_FAILURES_PER_HOUR):
        assert actions.find_passport_to_report(by=by, number="TK3333333", family_name="SATO",
                                               date_of_birth=date(1990, 5, 18)) is None

    with pytest.raises(actions.TooManyLookups):
        actions.find_passport_to_report(by=by, number="TK3333333", family_name="SATO", date_of_birth=born)
    lookups = AuditEntry.objects.filter(username="london_clerk", action="read")
    # The match, each miss, and the refused attempt: every lookup is in the audit log.
    assert lookups.count() == 1 + actions.LOOKUP_FAILURES_PER_HOUR + 1
    assert lookups.filter(object_repr=f"{actions.LOOKUP_MISS}: refused").count() == 1
    assert lookups.filter(object_repr__endswith="no match").count() == actions.LOOKUP_FAILURES_PER_HOUR


def test_a_stale_batch_form_is_a_conflict_before_anything_else(approved, hq_actor):
    from consular.versions import StaleVersion

    batch = actions.create_batch(by=hq_actor)
    actions.mark_batch_printed(batch, by=hq_actor, expected_version=batch.version)

    with pytest.raises(StaleVersion):
        actions.mark_batch_printed(batch, by=hq_actor, expected_version=1)
