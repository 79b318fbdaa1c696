"""The passport application pages: the office's queue, intake, the application with its checks and steps, the photo."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.html import escape

from consular.audit.models import AuditEntry
from consular.workflow.actions import fire
from consular.workflow.models import Case
from passports import actions
from passports.models import ChecklistItem, PassportApplication, Status
from tests.identity.factories import IdentityDocumentFactory, PersonFactory
from tests.passports.factories import (
    FAMILY_REGISTER_DATED_DAYS_BEFORE,
    another_applicant,
    approve,
    complete_checklist,
    passport_photo,
    submit,
)

QUEUE = "/passports/"
NEW = "/passports/new/"
FEE_DUE = "USD 106.67"  # ¥16,000 at HQ's ¥150 per dollar, rounded up to the cent


@pytest.fixture(autouse=True)
def _messages_in_english():
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
def application(clerk, applicant, hq) -> PassportApplication:
    """A new 10-year ordinary passport taken in at NYC, with a photo; HQ exists to approve it to."""
    return submit(clerk, applicant)


def detail(application: PassportApplication) -> str:
    return f"/passports/{application.case.reference}/"


def photo_url(application: PassportApplication) -> str:
    return f"/passports/{application.case.reference}/photo/"


def photo_upload(data: bytes | None = None, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, passport_photo() if data is None else data, content_type="image/jpeg")


def item(application: PassportApplication, code: str) -> ChecklistItem:
    return application.checklist_items.get(code=code)


def intake(person, **fields) -> dict:
    return {
        "person": person.pk,
        "kind": "new",
        "passport_type": "ordinary",
        "validity_years": "10",
        "collecting_office": person.created_by_office.pk,
        "note": "Walk-in",
    } | fields


def verify_post(target: ChecklistItem, version: int, **fields) -> dict:
    data = {"form": "verify", "item": target.pk, f"item-{target.pk}-version": version}
    return data | {f"item-{target.pk}-{name}": value for name, value in fields.items()}


def fire_post(
    application: PassportApplication, transition: str, note: str = "", version: int | None = None,
    confirm: bool = False,
) -> dict:
    """The step's form as posted; `confirm` ticks the box an irreversible step asks for."""
    case = application.case
    case.refresh_from_db()
    return {
        "form": "transition",
        "transition": transition,
        "note": note,
        "version": case.version if version is None else version,
        **({"confirm": "on"} if confirm else {}),
    }


# The queue


def test_queue_lists_the_applications_my_office_holds(english, nyc_clerk, application):
    response = english(nyc_clerk).get(QUEUE)
    assert response.status_code == 200
    text = response.text
    assert application.case.reference in text and "SATO KENJI" in text
    assert "New passport" in text and "Ordinary, 10 years" in text and "Submitted" in text
    assert "Not paid" in text and FEE_DUE in text


def test_queue_never_shows_another_office_s_applications(english, london_clerk, application):
    response = english(london_clerk).get(QUEUE)
    assert response.status_code == 200
    assert application.case.reference not in response.text and "SATO" not in response.text


def test_queue_filters_by_status(english, nyc_clerk, clerk, applicant, application):
    reviewed = submit(clerk, another_applicant(applicant), photo=None)
    fire(reviewed.case, "start_review", by=clerk, expected_version=reviewed.case.version)
    text = english(nyc_clerk).get(QUEUE, {"status": Status.UNDER_REVIEW}).text
    assert reviewed.case.reference in text and application.case.reference not in text


def test_queue_shows_open_applications_and_the_closed_ones_behind_a_filter(english, nyc_clerk, nyc, clerk, application):
    # Another applicant: a second open application of the same type for one person is refused.
    withdrawn = submit(clerk, PersonFactory(created_by_office=nyc), photo=None)
    fire(withdrawn.case, "withdraw", by=clerk, expected_version=withdrawn.case.version, note="Phoned")
    client = english(nyc_clerk)

    assert [row["reference"] for row in client.get(QUEUE).context["rows"]] == [application.case.reference]
    assert [row["reference"] for row in client.get(QUEUE, {"show": "closed"}).context["rows"]] == [
        withdrawn.case.reference]
    assert len(client.get(QUEUE, {"show": "all"}).context["rows"]) == 2
    assert [row["reference"] for row in client.get(QUEUE, {"status": Status.WITHDRAWN}).context["rows"]] == [
        withdrawn.case.reference]


def test_queue_shows_the_receipt_once_paid(english, nyc_clerk, clerk, application):
    complete_checklist(application, clerk)
    text = english(nyc_clerk).get(QUEUE).text
    assert "Paid" in text and application.receipt_number in text


def test_unknown_status_filter_is_a_clear_400(english, nyc_clerk, application):
    response = english(nyc_clerk).get(QUEUE, {"status": "lost"})
    assert response.status_code == 400 and "Select a valid choice" in response.text


def test_garbled_page_link_is_a_clear_400(english, nyc_clerk, application):
    response = english(nyc_clerk).get(QUEUE, {"after": "not-a-cursor"})
    assert response.status_code == 400 and "not valid any more" in response.text


def test_next_page_continues_after_the_last_row_without_repeats(english, nyc_clerk, clerk, applicant, hq):
    references = [submit(clerk, another_applicant(applicant), photo=None).case.reference for _number in range(53)]
    client = english(nyc_clerk)
    first = client.get(QUEUE, {"sort": "oldest"})
    assert first.context["next_query"]
    second = client.get(f"{QUEUE}?{first.context['next_query']}")
    shown = [row["reference"] for row in first.context["rows"] + second.context["rows"]]
    assert shown == references and not second.context["next_query"]


def test_queue_costs_the_same_queries_at_1_and_50_rows_and_never_counts(
    english, nyc_clerk, clerk, applicant, hq, django_assert_max_num_queries
):
    client = english(nyc_clerk)
    submit(clerk, another_applicant(applicant), photo=None)
    client.get(QUEUE)  # warm the session and caches
    with django_assert_max_num_queries(15) as one:
        assert len(client.get(QUEUE).context["rows"]) == 1
    for _number in range(49):
        submit(clerk, another_applicant(applicant), photo=None)
    with django_assert_max_num_queries(len(one.captured_queries)) as fifty:
        assert len(client.get(QUEUE).context["rows"]) == 50
    assert not [query["sql"] for query in fifty.captured_queries if "COUNT(" in query["sql"].upper()]


def test_queue_page_records_which_persons_were_listed(english, nyc_clerk, application):
    english(nyc_clerk).get(QUEUE)
    entry = AuditEntry.objects.filter(object_repr="passport queue").get()
    assert entry.username == "nyc_clerk" and entry.changes == {"persons": str(application.case.person_id)}


# Intake, step 1: finding the applicant


def test_search_ranks_applicants_with_scores_reasons_and_a_way_to_apply(english, nyc_clerk, applicant):
    response = english(nyc_clerk).post(NEW, {"find": "1", "q": "SATOU KENJI"})
    assert response.status_code == 200
    assert response.context["results"][0].person == applicant
    assert "Reasons" in response.text and f"{NEW}?person={applicant.pk}" in response.text
    assert AuditEntry.objects.filter(object_repr="person search", username="nyc_clerk").exists()


def test_search_never_finds_another_office_s_person(english, london_clerk, applicant):
    response = english(london_clerk).post(NEW, {"find": "1", "q": "SATO KENJI"})
    assert response.context["results"] == []


def test_search_page_links_to_recording_a_new_person_and_coming_back(english, nyc_clerk):
    response = english(nyc_clerk).get(NEW)
    assert response.status_code == 200 and 'href="/persons/new/?next=/passports/new/"' in response.text


# Intake, step 2: the application


def test_chosen_applicant_gets_the_form_with_the_fee_and_the_office_preselected(english, nyc_clerk, nyc, applicant):
    response = english(nyc_clerk).get(NEW, {"person": applicant.pk})
    assert response.status_code == 200
    assert "SATO KENJI" in response.text and FEE_DUE in response.text
    assert f'<option value="{nyc.pk}" selected>' in response.text
    assert AuditEntry.objects.filter(action="read", object_id=str(applicant.pk), username="nyc_clerk").exists()


def test_another_office_s_person_is_404_at_intake(english, london_clerk, applicant, london):
    client = english(london_clerk)
    assert client.get(NEW, {"person": applicant.pk}).status_code == 404
    response = client.post(NEW, intake(applicant, collecting_office=london.pk))
    assert response.status_code == 404 and not Case.objects.exists()


def test_likely_duplicates_of_the_applicant_are_shown(english, nyc_clerk, nyc, applicant):
    twin = PersonFactory(
        created_by_office=nyc, family_name="SATOU", given_names="KENJI", birth_year=1990, birth_month=5, birth_day=17
    )
    response = english(nyc_clerk).get(NEW, {"person": applicant.pk})
    assert [duplicate.person for duplicate in response.context["duplicates"]] == [twin]
    assert "may also be on file" in response.text and f"?person={twin.pk}" in response.text


def test_a_duplicate_at_another_office_shows_nothing_of_it(english, nyc_clerk, london, applicant):
    PersonFactory(
        created_by_office=london,
        family_name="SATO",
        given_names="KENJI",
        birth_year=1990,
        birth_month=5,
        birth_day=17,
        family_name_native="佐藤",
    )
    response = english(nyc_clerk).get(NEW, {"person": applicant.pk})
    assert response.context["duplicates"] == []
    assert "another office" not in response.text and "score" not in response.text
    # The check itself is audited, naming the record the clerk could not see.
    entry = AuditEntry.objects.filter(username="nyc_clerk", object_repr__startswith="duplicate check").get()
    assert entry.changes["hidden"]


def test_official_passports_are_offered_only_at_hq(english, nyc_clerk, hq_officer, applicant):
    assert 'value="official"' not in english(nyc_clerk).get(NEW, {"person": applicant.pk}).text
    assert 'value="official"' in english(hq_officer).get(NEW, {"person": applicant.pk}).text


def test_previous_passport_choices_are_the_applicant_s_own_passports(english, nyc_clerk, nyc, applicant):
    own = IdentityDocumentFactory(person=applicant, number="TK1234567")
    other = IdentityDocumentFactory(person=PersonFactory(created_by_office=nyc), number="TK7654321")
    text = english(nyc_clerk).get(NEW, {"person": applicant.pk}).text
    assert f'value="{own.pk}"' in text and "TK1234567" in text
    assert "TK7654321" not in text and f'value="{other.pk}"' not in text


def test_clerk_takes_in_an_application_with_a_photo(english, nyc_clerk, nyc, applicant):
    response = english(nyc_clerk).post(NEW, intake(applicant, photo=photo_upload()))
    application = PassportApplication.objects.select_related("case").get()
    assert response.status_code == 302 and response["Location"] == detail(application)
    assert (application.case.person, application.case.status, application.collecting_office) == (
        applicant,
        Status.SUBMITTED,
        nyc,
    )
    assert application.photo and application.photo_content_type == "image/jpeg"
    assert (application.fee_amount, application.fee_currency) == (10667, "USD")
    assert application.case.events.get().note == "Walk-in"


def test_ten_year_passport_for_a_fifteen_year_old_is_refused_next_to_the_validity(english, nyc_clerk, nyc, fees):
    teenager = PersonFactory(created_by_office=nyc, birth_year=date.today().year - 15, birth_month=1, birth_day=1)
    response = english(nyc_clerk).post(NEW, intake(teenager, note="Needs it for a school trip"))
    assert response.status_code == 400
    assert response.context["form"].errors["validity_years"] == [
        "A 10-year passport is issued from age 18; the applicant is 15."
    ]
    assert 'id="id_validity_years_error"' in response.text
    assert "Needs it for a school trip" in response.text  # what was typed is kept
    assert not Case.objects.exists() and not PassportApplication.objects.exists()


def test_bad_photo_is_refused_next_to_the_photo_and_must_be_chosen_again(english, nyc_clerk, applicant):
    small = passport_photo(width=200, height=257)
    response = english(nyc_clerk).post(NEW, intake(applicant, photo=photo_upload(small)))
    assert response.status_code == 400
    assert any("at least 413 × 531 pixels" in error for error in response.context["form"].errors["photo"])
    assert "choose the photo again" in response.text
    assert not PassportApplication.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(english, nyc_clerk, applicant):
    response = english(nyc_clerk).post(NEW, intake(applicant, photo=photo_upload(b"%PDF-1.7 " * 2000, "photo.pdf")))
    assert response.status_code == 400
    assert "neither, or it is damaged" in " ".join(response.context["form"].errors["photo"])
    assert not PassportApplication.objects.exists()


def test_replacement_needs_its_reason_and_the_previous_passport(english, nyc_clerk, applicant):
    response = english(nyc_clerk).post(NEW, intake(applicant, kind="replacement"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "lost, stolen or damaged" in errors["replacement_reason"][0]
    assert "Choose the passport this application replaces." in errors["previous_passport"]
    assert not PassportApplication.objects.exists()


def test_renewal_records_the_previous_passport(english, nyc_clerk, applicant):
    previous = IdentityDocumentFactory(person=applicant)
    response = english(nyc_clerk).post(NEW, intake(applicant, kind="renewal", previous_passport=previous.pk))
    assert response.status_code == 302
    assert PassportApplication.objects.get().previous_passport == previous


def test_auditor_cannot_take_in_applications(english, auditor, applicant):
    client = english(auditor)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, intake(applicant)).status_code == 403
    assert not PassportApplication.objects.exists()


# The application page


def test_application_page_shows_the_applicant_photo_checklist_fee_and_timeline(english, nyc_clerk, application):
    response = english(nyc_clerk).get(detail(application))
    assert response.status_code == 200
    text = response.text
    assert f'href="/persons/{application.case.person_id}/"' in text
    assert f'src="{photo_url(application)}"' in text
    assert "Family register extract" in text and "Signed application form" in text
    assert FEE_DUE in text and "Record the payment" in text
    assert "Start the review" in text and "nyc_clerk" in text  # a step to take, and who took it in
    assert "EST" in text or "EDT" in text  # times in New York's time


def test_reading_an_application_is_audited_as_a_read_of_the_person(english, nyc_clerk, application):
    english(nyc_clerk).get(detail(application))
    entry = AuditEntry.objects.filter(action="read", object_type="identity.person").get()
    assert (entry.username, entry.object_id) == ("nyc_clerk", str(application.case.person_id))


def test_other_office_application_is_404(english, london_clerk, application):
    client = english(london_clerk)
    assert client.get(detail(application)).status_code == 404
    assert client.post(detail(application), fire_post(application, "start_review")).status_code == 404
    application.case.refresh_from_db()
    assert application.case.status == Status.SUBMITTED


def test_auditor_reads_the_application_but_gets_no_forms_and_cannot_post(english, auditor, application):
    client = english(auditor)
    response = client.get(detail(application))
    assert response.status_code == 200
    assert 'name="form"' not in response.text and "Auditors have read-only access." in response.text
    target = item(application, ChecklistItem.Code.APPLICATION_FORM)
    assert client.post(detail(application), verify_post(target, application.version)).status_code == 403
    assert client.post(detail(application), fire_post(application, "start_review")).status_code == 403
    target.refresh_from_db()
    application.case.refresh_from_db()
    assert not target.verified and application.case.status == Status.SUBMITTED


def test_hq_reads_a_mission_s_application_without_its_forms(english, hq_officer, application):
    response = english(hq_officer).get(detail(application))
    assert response.status_code == 200 and 'name="form" value="verify"' not in response.text


def test_verifying_a_document_marks_it(english, nyc_clerk, application):
    target = item(application, ChecklistItem.Code.APPLICATION_FORM)
    response = english(nyc_clerk).post(detail(application), verify_post(target, application.version))
    assert response.status_code == 302 and response["Location"] == detail(application)
    target.refresh_from_db()
    assert target.verified and target.verified_by == "nyc_clerk"


def test_family_register_is_verified_with_the_date_printed_on_it(english, nyc_clerk, application):
    target = item(application, ChecklistItem.Code.FAMILY_REGISTER)
    dated = application.applied_on - timedelta(days=FAMILY_REGISTER_DATED_DAYS_BEFORE)
    response = english(nyc_clerk).post(
        detail(application), verify_post(target, application.version, document_dated=dated.isoformat())
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.verified and target.document_dated == dated


def test_family_register_older_than_six_months_is_refused_next_to_its_date(english, nyc_clerk, application):
    target = item(application, ChecklistItem.Code.FAMILY_REGISTER)
    too_old = (application.applied_on - timedelta(days=200)).isoformat()
    response = english(nyc_clerk).post(
        detail(application), verify_post(target, application.version, document_dated=too_old)
    )
    assert response.status_code == 400
    assert "within 6 months before the application" in response.text
    assert f'id="id_item-{target.pk}-document_dated_error"' in response.text
    assert f'value="{too_old}"' in response.text
    target.refresh_from_db()
    application.refresh_from_db()
    assert not target.verified and application.version == 1


def test_family_register_without_its_date_is_refused(english, nyc_clerk, application):
    target = item(application, ChecklistItem.Code.FAMILY_REGISTER)
    response = english(nyc_clerk).post(detail(application), verify_post(target, application.version))
    assert response.status_code == 400 and "Give the date printed on the extract." in response.text
    target.refresh_from_db()
    assert not target.verified


def test_stale_version_on_a_check_is_a_conflict_that_keeps_the_date(english, nyc_clerk, clerk, application):
    seen = application.version
    actions.verify_item(item(application, ChecklistItem.Code.APPLICATION_FORM), by=clerk, expected_version=seen)
    target = item(application, ChecklistItem.Code.FAMILY_REGISTER)
    dated = (application.applied_on - timedelta(days=10)).isoformat()
    response = english(nyc_clerk).post(detail(application), verify_post(target, seen, document_dated=dated))
    assert response.status_code == 409
    assert "Someone else changed this application" in response.text and f'value="{dated}"' in response.text
    assert f'name="item-{target.pk}-version" value="{seen + 1}"' in response.text  # submitting again will work
    target.refresh_from_db()
    assert not target.verified


def test_paying_the_fee_due_records_a_receipt(english, nyc_clerk, application):
    client = english(nyc_clerk)
    response = client.post(
        detail(application), {"form": "payment", "payment-version": application.version, "payment-amount": "106.67"}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.paid_amount, application.paid_currency, application.received_by) == (10667, "USD", "nyc_clerk")
    assert application.receipt_number.startswith("R-") and application.receipt_number.endswith("-NYC-000001")
    page = client.get(detail(application)).text
    assert application.receipt_number in page and "Record the payment" not in page


def test_a_wrong_payment_amount_is_refused_and_nothing_is_saved(english, nyc_clerk, application):
    response = english(nyc_clerk).post(
        detail(application), {"form": "payment", "payment-version": application.version, "payment-amount": "100.00"}
    )
    assert response.status_code == 400
    assert f"The fee due is {FEE_DUE}." in response.text and 'id="id_payment-amount_error"' in response.text
    assert 'value="100.00"' in response.text
    application.refresh_from_db()
    assert not application.is_paid and application.version == 1


def test_an_amount_with_more_decimals_than_the_currency_has_is_refused(english, nyc_clerk, application):
    response = english(nyc_clerk).post(
        detail(application), {"form": "payment", "payment-version": application.version, "payment-amount": "106.671"}
    )
    assert response.status_code == 400 and "no more than 2 decimal places" in response.text
    application.refresh_from_db()
    assert not application.is_paid


def test_stale_version_on_payment_is_a_conflict_that_keeps_the_amount(english, nyc_clerk, clerk, application):
    seen = application.version
    actions.verify_item(item(application, ChecklistItem.Code.APPLICATION_FORM), by=clerk, expected_version=seen)
    response = english(nyc_clerk).post(
        detail(application), {"form": "payment", "payment-version": seen, "payment-amount": "106.67"}
    )
    assert response.status_code == 409
    assert "Nothing was saved." in response.text and 'value="106.67"' in response.text
    application.refresh_from_db()
    assert not application.is_paid


def test_replacing_the_photo_means_checking_it_again(english, nyc_clerk, clerk, application):
    photo_item = item(application, ChecklistItem.Code.PHOTO)
    actions.verify_item(photo_item, by=clerk, expected_version=application.version)
    application.refresh_from_db()
    before = application.photo.name
    response = english(nyc_clerk).post(
        detail(application),
        {
            "form": "photo",
            "photo-version": application.version,
            "photo-photo": photo_upload(passport_photo(width=420, height=540), "new.jpg"),
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    photo_item.refresh_from_db()
    assert application.photo.name != before and application.photo_content_type == "image/jpeg"
    assert not photo_item.verified


def test_a_bad_replacement_photo_is_refused_and_the_old_one_stays(english, nyc_clerk, application):
    before = application.photo.name
    response = english(nyc_clerk).post(
        detail(application),
        {"form": "photo", "photo-version": application.version, "photo-photo": photo_upload(b"not an image" * 2000)},
    )
    assert response.status_code == 400
    assert 'id="id_photo-photo_error"' in response.text and "choose the photo again" not in response.text
    application.refresh_from_db()
    assert application.photo.name == before and application.version == 1


def test_starting_the_review_moves_the_case(english, nyc_clerk, application):
    response = english(nyc_clerk).post(detail(application), fire_post(application, "start_review"))
    assert response.status_code == 302
    application.case.refresh_from_db()
    assert application.case.status == Status.UNDER_REVIEW


def test_approve_is_refused_with_the_reason_while_documents_are_unchecked(english, nyc_officer, clerk, application):
    fire(application.case, "start_review", by=clerk, expected_version=application.case.version)
    client = english(nyc_officer)
    assert "Not every document is verified" in client.get(detail(application)).text
    response = client.post(detail(application), fire_post(application, "approve", note="Looks fine"))
    assert response.status_code == 400
    assert "Not every document is verified" in response.text and "Nothing was saved." in response.text
    application.case.refresh_from_db()
    assert application.case.status == Status.UNDER_REVIEW


def test_approving_moves_the_case_to_hq(english, nyc_officer, clerk, application, hq):
    fire(application.case, "start_review", by=clerk, expected_version=application.case.version)
    complete_checklist(application, clerk)
    client = english(nyc_officer)
    response = client.post(detail(application), fire_post(application, "approve"))
    assert response.status_code == 302 and response["Location"] == detail(application)
    application.case.refresh_from_db()
    assert (application.case.status, application.case.current_office) == (Status.APPROVED, hq)
    page = client.get(detail(application))  # the mission still reads the case it held
    assert page.status_code == 200 and "Approved" in page.text and "NYC → HQ" in page.text


def test_stale_step_is_a_conflict_that_keeps_the_note(english, nyc_clerk, clerk, application):
    seen = application.case.version
    fire(application.case, "start_review", by=clerk, expected_version=seen)
    response = english(nyc_clerk).post(
        detail(application), fire_post(
            application, "withdraw", note="The applicant phoned to withdraw.", version=seen, confirm=True
        )
    )
    assert response.status_code == 409
    assert "The applicant phoned to withdraw." in response.text
    application.case.refresh_from_db()
    assert application.case.status == Status.UNDER_REVIEW


def test_a_produced_application_shows_its_passport_and_mrz(english, nyc_clerk, clerk, officer, hq_actor, application):
    approve(application, clerk, officer)
    actions.create_batch(by=hq_actor)
    passport = application.passports.get()
    response = english(nyc_clerk).get(detail(application))
    assert response.status_code == 200
    text = response.text
    assert passport.number in text and escape(passport.mrz_line1) in text and escape(passport.mrz_line2) in text
    assert "<pre" in text and "Machine-readable zone" in text


# The photo


def test_photo_is_streamed_privately_to_those_who_may_see_the_case(english, nyc_clerk, auditor, application):
    for user in (nyc_clerk, auditor):
        response = english(user).get(photo_url(application))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")


def test_every_photo_fetch_is_audited_as_a_read_of_the_person(english, nyc_clerk, application):
    from consular.audit.models import AuditEntry

    english(nyc_clerk).get(photo_url(application))

    reads = AuditEntry.unscoped.filter(action="read", object_type="identity.person", changes__has_key="photo")
    assert list(reads.values_list("username", "object_id")) == [("nyc_clerk", str(application.case.person_id))]


def test_other_office_gets_404_for_the_photo(english, london_clerk, application):
    assert english(london_clerk).get(photo_url(application)).status_code == 404


def test_application_without_a_photo_has_no_photo_page(english, nyc_clerk, clerk, applicant):
    application = submit(clerk, applicant, photo=None)
    assert english(nyc_clerk).get(photo_url(application)).status_code == 404


def test_a_checklist_item_of_another_application_is_a_400_and_saves_nothing(
    english, nyc_clerk, clerk, applicant, application
):
    other = submit(clerk, another_applicant(applicant))
    foreign = item(other, ChecklistItem.Code.APPLICATION_FORM)

    response = english(nyc_clerk).post(detail(application), verify_post(foreign, application.version))

    assert response.status_code == 400
    foreign.refresh_from_db()
    assert not foreign.verified


def test_an_unknown_form_is_a_400_and_saves_nothing(english, nyc_clerk, application):
    response = english(nyc_clerk).post(detail(application), {"form": "teleport", "version": application.version})

    assert response.status_code == 400
    application.refresh_from_db()
    assert application.version == 1


def test_hq_cannot_verify_or_pay_on_a_mission_s_application_and_nothing_is_saved(english, hq_officer, application):
    target = item(application, ChecklistItem.Code.APPLICATION_FORM)
    client = english(hq_officer)

    verify = client.post(detail(application), verify_post(target, application.version))
    pay = client.post(detail(application), {"form": "payment", "payment-amount": "106.67",
                                            "payment-version": application.version})

    assert (verify.status_code, pay.status_code) == (403, 403)
    application.refresh_from_db()
    target.refresh_from_db()
    assert not target.verified and not application.is_paid and application.version == 1
