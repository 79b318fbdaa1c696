"""Taking in a visa application: priced from the schedule, checked field by field, screened once it commits."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from consular.identity.models import IdentityDocument
from consular.screening.models import ScreeningSubject
from consular.workflow.models import Case
from tests.visas.factories import foreign_applicant, intake, passport_mrz, submit
from visas import actions
from visas.models import Fee, VisaApplication


def test_an_application_is_priced_opened_and_screened(clerk, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(clerk, applicant)

    application.case.refresh_from_db()
    assert application.case.reference.startswith("V-")
    assert application.fee_jpy == 3000
    assert (application.fee_amount, application.fee_currency) == (2000, "USD")  # ¥3,000 at ¥150 = 20.00 USD
    assert application.passport.number == "E12345678"
    assert application.passport.issuing_state == "CHN"
    assert {item.code for item in application.checklist_items.all()} == {
        "application_form", "passport", "photo", "itinerary", "financial_means"}
    assert ScreeningSubject.objects.get(case=application.case).status == ScreeningSubject.Status.SCREENED
    assert application.case.status == "under_review"  # the worker screened the applicant and moved the case


def test_before_the_worker_runs_the_case_is_being_screened(clerk, applicant):
    application = submit(clerk, applicant)
    assert Case.unscoped.get(pk=application.case_id).status == "screening"


def test_a_double_entry_costs_the_multiple_fee_and_a_nationals_own_line_comes_first(clerk, applicant):
    Fee.objects.create(kind=Fee.Kind.MULTIPLE, nationality="CHN", amount_jpy=4500, effective_from=date(2024, 1, 1))
    application = submit(clerk, applicant, entries="double")
    assert application.fee_jpy == 4500


def test_diplomatic_visas_are_free(clerk, applicant):
    application = submit(clerk, applicant, category="diplomatic")
    assert (application.fee_jpy, application.fee_amount) == (0, 0)


def test_a_visa_exempt_national_gets_a_message_and_no_case(clerk, nyc, rates):
    american = foreign_applicant(nyc, family_name="SMITH", given_names="JOHN", nationalities=["USA"])
    with pytest.raises(actions.NoVisaNeeded) as refused:
        submit(clerk, american, stay_days=30)
    assert "need no visa" in str(refused.value)
    assert not Case.unscoped.exists()
    # Work needs a visa whatever the nationality.
    assert submit(clerk, american, category="engineer-humanities", coe_number="EC-2026-0001", stay_days=365)


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"entries": "multiple", "category": "visiting"}, "entries", "This category allows"),
    ({"stay_days": 200}, "stay_days", "at most 90 days"),
    ({"arrival_on": date.today() - timedelta(days=3)}, "arrival_on", "in the past"),
    ({"category": "student"}, "coe_number", "Certificate of Eligibility"),
    ({"purpose": "  "}, "purpose", "what the visit is for"),
])
def test_bad_input_is_named_on_its_field_and_nothing_is_saved(clerk, applicant, overrides, field, words):
    with pytest.raises(ValidationError) as refused:
        submit(clerk, applicant, **overrides)
    assert any(words in message for message in refused.value.message_dict[field])
    assert not VisaApplication.unscoped.exists() and not Case.unscoped.exists()
    assert not IdentityDocument.unscoped.exists()


def test_a_mistyped_mrz_names_the_check_digit(clerk, applicant):
    lines = passport_mrz(applicant).splitlines()
    broken = lines[1][:9] + ("1" if lines[1][9] != "1" else "2") + lines[1][10:]
    with pytest.raises(ValidationError) as refused:
        actions.submit_application(by=clerk, person=applicant,
                                   intake=intake(applicant, passport_mrz=f"{lines[0]}\n{broken}"))
    assert refused.value.message_dict["passport_mrz"]
    assert not Case.unscoped.exists()


def test_a_passport_expiring_during_the_stay_is_refused(clerk, applicant):
    expires = date.today() + timedelta(days=35)
    with pytest.raises(ValidationError) as refused:
        submit(clerk, applicant, passport_mrz=passport_mrz(applicant, expires=expires))
    assert "before the stay ends" in " ".join(refused.value.message_dict["passport_mrz"])


def test_a_passport_on_file_for_someone_else_is_refused(clerk, applicant, nyc):
    other = foreign_applicant(nyc, family_name="LI", given_names="WEI")
    submit(clerk, other, passport_mrz=passport_mrz(other, number="E99999999"))
    with pytest.raises(ValidationError) as refused:
        submit(clerk, applicant, passport_mrz=passport_mrz(applicant, number="E99999999"))
    assert "another person" in " ".join(refused.value.message_dict["passport_mrz"])


def test_japanese_nationals_need_no_visa(clerk, nyc, rates):
    japanese = foreign_applicant(nyc, nationalities=["JPN"])
    with pytest.raises(ValidationError) as refused:
        submit(clerk, japanese, passport_mrz=passport_mrz(japanese))
    assert "person" in refused.value.message_dict


def test_auditors_cannot_take_in(auditor, applicant):
    from django.core.exceptions import PermissionDenied

    from tests.identity.factories import actor_for

    with pytest.raises(PermissionDenied):
        submit(actor_for(auditor), applicant)
