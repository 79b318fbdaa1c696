"""The visa pages as a clerk, an officer and HQ use them: intake, the application's checks and decisions, papers."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from consular.audit.models import AuditEntry
from consular.screening.models import ScreeningHit
from consular.workflow.models import Case
from tests.screening.conftest import EXCERPT, import_un
from tests.screening.screening_fixtures import ALIAS_OF_PAK_HAN_SE
from tests.visas.factories import foreign_applicant, passport_mrz, ready_for_decision, submit
from visas.models import Visa, VisaApplication

NEW = "/visas/new/"


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def english(signed_in):
    def sign_in(user):
        client = signed_in(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


def detail(application) -> str:
    return f"/visas/{application.case.reference}/"


def _case(application) -> Case:
    return Case.unscoped.get(pk=application.case_id)


def form_fields(person, **fields) -> dict:
    return {
        "person": person.pk, "category": "", "entries": "single", "purpose": "Visiting Kyoto",
        "arrival_on": (date.today() + timedelta(days=20)).isoformat(), "stay_days": "10",
        "passport_mrz": passport_mrz(person), "passport_issued_on": "2021-04-01", "itinerary": "Kyoto",
    } | fields


def test_a_clerk_takes_in_an_application_from_the_page(english, nyc_clerk, applicant,
                                                        django_capture_on_commit_callbacks):
    from visas.models import VisaCategory

    client = english(nyc_clerk)
    page = client.get(f"{NEW}?person={applicant.pk}")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store, private"
    assert "Passport MRZ" in page.content.decode()
    tourism = VisaCategory.objects.get(code="tourism")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, form_fields(applicant, category=tourism.pk))
    application = VisaApplication.unscoped.get()
    assert response.status_code == 302 and response["Location"] == detail(application)
    assert _case(application).status == "under_review"
    shown = client.get(detail(application)).content.decode()
    assert "No screening hits." in shown and "E12345678" in shown and "USD 20.00" in shown


def test_bad_intake_keeps_what_was_typed_and_saves_nothing(english, nyc_clerk, applicant):
    from visas.models import VisaCategory

    client = english(nyc_clerk)
    student = VisaCategory.objects.get(code="student")
    response = client.post(NEW, form_fields(applicant, category=student.pk, purpose="Studying Japanese"))
    assert response.status_code == 400
    text = response.content.decode()
    assert "This category needs the Certificate of Eligibility number." in text
    assert "Studying Japanese" in text  # kept
    assert not VisaApplication.unscoped.exists()


def test_an_exempt_national_is_told_no_visa_is_needed(english, nyc_clerk, nyc, rates):
    from visas.models import VisaCategory

    american = foreign_applicant(nyc, family_name="SMITH", given_names="JOHN", nationalities=["USA"])
    response = english(nyc_clerk).post(NEW, form_fields(american, category=VisaCategory.objects.get(code="tourism").pk))
    assert response.status_code == 400
    assert "need no visa for a stay of up to 90 days" in response.content.decode()
    assert not VisaApplication.unscoped.exists()


def test_another_offices_person_cannot_be_applied_for(english, london_clerk, applicant):
    assert english(london_clerk).get(f"{NEW}?person={applicant.pk}").status_code == 404


@pytest.fixture
def listed(hq_actor, nyc, clerk, rates, django_capture_on_commit_callbacks):
    from consular.screening.models import Watchlist

    import_un(EXCERPT.read_bytes(), Watchlist.objects.get(code="un-sc"), hq_actor)
    person = foreign_applicant(nyc, **{**ALIAS_OF_PAK_HAN_SE, "sex": "M"})
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(clerk, person, passport_mrz=passport_mrz(person, number="PD1234567"))
    return ready_for_decision(application, clerk)


def test_the_officer_sees_why_approval_waits_and_the_hit_links_to_its_page(english, nyc_officer, listed):
    page = english(nyc_officer).get(detail(listed)).content.decode()
    hit = ScreeningHit.objects.get(subject__case=listed.case)
    assert f"/screening/hits/{hit.pk}/" in page
    assert "Cannot be approved yet:" in page and "not adjudicated" in page
    response = english(nyc_officer).post(detail(listed), {"form": "approve", "approve-version": _case(listed).version})
    assert response.status_code == 400 and "not adjudicated" in response.content.decode()
    assert _case(listed).status == "under_review"


def test_refer_instruct_and_approve_through_the_pages(english, nyc_officer, hq_officer, nyc_clerk, clerk, applicant,
                                                      django_capture_on_commit_callbacks, settings, tmp_path):
    from consular.documents import signing

    settings.SEAL_KEYS_DIR = tmp_path / "keys"
    signing.create_root()
    signing.issue_signer()
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(clerk, applicant, category="diplomatic")
    application = ready_for_decision(application, clerk)
    officer = english(nyc_officer)
    response = officer.post(detail(application), {"form": "refer", "refer-version": application.version,
                                                  "refer-recommendation": "issue", "refer-note": "In order."})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _case(application).current_office.code == "HQ"
    # The mission still reads it; HQ answers from its queue.
    hq = english(hq_officer)
    assert application.case.reference in hq.get("/visas/").content.decode()
    application.refresh_from_db()
    response = hq.post(detail(application), {"form": "instruct", "instruct-version": application.version,
                                             "instruct-instruction": "issue", "instruct-note": "Issue it."})
    assert response.status_code == 302
    response = officer.post(detail(application), {"form": "approve", "approve-version": _case(application).version})
    assert response.status_code == 302 and _case(application).status == "approved"
    response = english(nyc_clerk).post(detail(application), {
        "form": "issue", "issue-version": _case(application).version, "issue-form": "evisa"})
    assert response.status_code == 302
    visa = Visa.unscoped.get()
    notice = english(nyc_clerk).get(f"/visas/{application.case.reference}/grant-notice/?lang=ja")
    assert notice.status_code == 200 and "<svg" in notice.content.decode() and visa.number in notice.content.decode()
    assert AuditEntry.objects.filter(changes__paper=[None, "visa_grant_notice"]).exists()


def test_a_stale_decision_is_a_conflict_and_keeps_the_note(english, nyc_officer, clerk, applicant,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(clerk, applicant)
    application = ready_for_decision(application, clerk)
    response = english(nyc_officer).post(detail(application), {
        "form": "refuse", "refuse-version": _case(application).version - 1, "refuse-reason": "purpose",
        "refuse-note": "Purpose unclear after interview.", "refuse-confirm": "on"})
    assert response.status_code == 409
    assert "Purpose unclear after interview." in response.content.decode()
    assert _case(application).status == "under_review"


def test_a_refusal_letter_does_not_state_the_reason(english, nyc_officer, clerk, applicant,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(clerk, applicant)
    application = ready_for_decision(application, clerk)
    response = english(nyc_officer).post(detail(application), {
        "form": "refuse", "refuse-version": _case(application).version, "refuse-reason": "means",
        "refuse-note": "Bank statements do not cover the stay.", "refuse-confirm": "on"})
    assert response.status_code == 302
    for language in ("en", "ja"):
        letter = english(nyc_officer).get(f"/visas/{application.case.reference}/refusal-letter/?lang={language}")
        text = letter.content.decode()
        assert letter.status_code == 200
        assert "Bank statements" not in text and "means" not in text.lower().replace("meaning", "")
    assert "reasons for the decision are not given" in english(nyc_officer).get(
        f"/visas/{application.case.reference}/refusal-letter/?lang=en").content.decode()


def test_the_queue_costs_the_same_queries_for_many_rows(english, nyc_clerk, clerk, nyc, rates,
                                                        django_assert_max_num_queries):
    for number in range(12):
        person = foreign_applicant(nyc, family_name=f"WANG{chr(65 + number)}")
        submit(clerk, person, passport_mrz=passport_mrz(person, number=f"E{number:08d}"))
    client = english(nyc_clerk)
    client.get("/visas/")
    with django_assert_max_num_queries(16):
        response = client.get("/visas/")
    assert response.content.decode().count("/visas/V-") >= 12
