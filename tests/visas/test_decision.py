"""From review to a visa: screening hits adjudicated first, referral to HQ and back, issuance, revocation."""

import pytest
from cryptography.hazmat.primitives.serialization import Encoding
from django.core.exceptions import PermissionDenied, ValidationError

from consular.documents import verification
from consular.screening.models import ScreeningHit
from consular.screening.screening_actions import agree_clearance, clear_hit, confirm_hit
from consular.workflow.actions import TransitionRefused
from consular.workflow.models import Case
from tests.documents.test_seals import _outsiders_check
from tests.identity.factories import actor_for
from tests.screening.conftest import EXCERPT, import_un
from tests.screening.screening_fixtures import ALIAS_OF_PAK_HAN_SE
from tests.visas.factories import foreign_applicant, passport_mrz, ready_for_decision, submit
from visas import actions
from visas.models import Instruction, Visa

REASON = ScreeningHit.ClearReason.DIFFERENT_PERSON_DOB


@pytest.fixture
def screened(clerk, applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(clerk, applicant)
    return ready_for_decision(application, clerk)


@pytest.fixture
def listed(hq_actor, nyc, clerk, rates, django_capture_on_commit_callbacks):
    """An applicant who is a UN-listed person's alias, screened: one open hit."""
    from consular.screening.models import Watchlist

    import_un(EXCERPT.read_bytes(), Watchlist.objects.get(code="un-sc"), hq_actor)
    person = foreign_applicant(nyc, **{**ALIAS_OF_PAK_HAN_SE, "sex": "M"})
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(clerk, person, passport_mrz=passport_mrz(person, number="PD1234567"))
    return ready_for_decision(application, clerk)


def _case(application) -> Case:
    return Case.unscoped.get(pk=application.case_id)


def test_an_unscreened_case_is_not_decided(clerk, applicant, officer):
    application = submit(clerk, applicant)  # the screening task has not run
    ready_for_decision(application, clerk)
    with pytest.raises(TransitionRefused):
        actions.approve(application, by=officer, expected_version=_case(application).version)


def test_a_clean_applicant_is_approved_and_issued_a_sticker(screened, officer, clerk):
    actions.approve(screened, by=officer, expected_version=_case(screened).version)
    visa = actions.issue_visa(screened, by=clerk, form=Visa.Form.STICKER, expected_version=_case(screened).version)
    assert _case(screened).status == "issued" and _case(screened).closed_at is not None
    assert visa.number.startswith("V") and len(visa.number) == 9
    assert len(visa.mrz_line1) == len(visa.mrz_line2) == 44 and visa.mrz_line1.startswith("V<JPNWANG<<LI<NA")
    assert visa.mrz_line2.startswith(visa.number)


def test_an_open_hit_blocks_approval_until_a_second_person_agrees_to_clear_it(
        listed, officer, nyc_supervisor, nyc_officer):
    hit = ScreeningHit.objects.get(subject__case=listed.case)
    with pytest.raises(TransitionRefused) as refused:
        actions.approve(listed, by=officer, expected_version=_case(listed).version)
    assert "not adjudicated" in refused.value.reason

    hit = clear_hit(hit, by=officer, reason=REASON, note="Born 1990, the listed person about 1960.",
                    expected_version=hit.version)
    assert hit.status == ScreeningHit.Status.CLEARANCE_PROPOSED
    with pytest.raises(TransitionRefused):  # a sanctions hit needs a second person
        actions.approve(listed, by=officer, expected_version=_case(listed).version)
    agree_clearance(hit, by=actor_for(nyc_supervisor), expected_version=hit.version)
    actions.approve(listed, by=officer, expected_version=_case(listed).version)
    assert _case(listed).status == "approved"


def test_a_confirmed_hit_sends_the_case_to_hq_and_hq_instructs(listed, officer, hq_actor):
    hit = ScreeningHit.objects.get(subject__case=listed.case)
    confirm_hit(hit, by=officer, note="Same person: passport photo and dates agree.", expected_version=hit.version)
    with pytest.raises(TransitionRefused) as refused:
        actions.approve(listed, by=officer, expected_version=_case(listed).version)
    assert "HQ decides" in refused.value.reason

    actions.refer_to_hq(listed, by=officer, recommendation=Instruction.REFUSE, note="Listed person.",
                        expected_version=listed.version)
    assert _case(listed).status == "referred" and _case(listed).current_office.code == "HQ"
    assert [rule.startswith("rule:") for rule in listed.referral_reasons] == [True]

    listed.refresh_from_db()
    listed.case.refresh_from_db()
    actions.instruct(listed, by=hq_actor, instruction=Instruction.REFUSE, note="Refuse.",
                     expected_version=listed.version)
    assert _case(listed).status == "instructed" and _case(listed).current_office.code == "NYC"
    with pytest.raises(TransitionRefused):  # HQ said refuse: the mission cannot approve
        actions.approve(listed, by=officer, expected_version=_case(listed).version)
    actions.refuse(listed, by=officer, reason="screening", note="On HQ's instruction.",
                   expected_version=_case(listed).version)
    assert _case(listed).status == "refused"
    listed.refresh_from_db()
    assert listed.refusal_reason == "screening"


def test_a_diplomatic_visa_is_decided_with_hq(clerk, applicant, officer, hq_actor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(clerk, applicant, category="diplomatic")
    application = ready_for_decision(application, clerk)
    with pytest.raises(TransitionRefused):
        actions.approve(application, by=officer, expected_version=_case(application).version)
    actions.refer_to_hq(application, by=officer, recommendation=Instruction.ISSUE, note="Note verbale in order.",
                        expected_version=application.version)
    application.refresh_from_db()
    application.case.refresh_from_db()
    actions.instruct(application, by=hq_actor, instruction=Instruction.ISSUE, note="Issue.",
                     expected_version=application.version)
    application.refresh_from_db()
    actions.approve(application, by=officer, expected_version=_case(application).version)
    assert _case(application).status == "approved"


def test_only_hq_officers_instruct(screened, officer):
    with pytest.raises(ValidationError):
        actions.instruct(screened, by=officer, instruction="nonsense", note="x", expected_version=screened.version)
    with pytest.raises(PermissionDenied):
        actions.instruct(screened, by=officer, instruction=Instruction.ISSUE, note="x",
                         expected_version=screened.version)


def test_an_evisa_seal_verifies_independently_and_shows_revoked_once_revoked(screened, officer, clerk, seal_keys,
                                                                            nyc_supervisor):
    actions.approve(screened, by=officer, expected_version=_case(screened).version)
    visa = actions.issue_visa(screened, by=clerk, form=Visa.Form.EVISA, expected_version=_case(screened).version)
    seal = bytes(visa.seal)
    check = verification.check_seal(seal)
    assert check.state == "valid"
    assert check.mrz.number == visa.number and check.visa.passport_number == "E12345678"

    certificate = seal_keys.certificate.public_bytes(Encoding.PEM)
    assert _outsiders_check(seal, certificate)
    changed = seal[:30] + bytes([seal[30] ^ 0x01]) + seal[31:]
    assert not _outsiders_check(changed, certificate)
    assert verification.check_seal(changed).state == "invalid"

    actions.end_visa(visa, by=actor_for(nyc_supervisor), how="revoke", note="Obtained by deception.",
                     expected_version=_case(screened).version)
    assert verification.check_seal(seal).state == "revoked"
    visa.refresh_from_db()
    assert visa.state == Visa.State.REVOKED and _case(screened).status == "revoked"


def test_an_evisa_without_signing_keys_is_a_clear_error_and_nothing_is_issued(screened, officer, clerk, settings,
                                                                              tmp_path):
    settings.SEAL_KEYS_DIR = tmp_path / "none"
    actions.approve(screened, by=officer, expected_version=_case(screened).version)
    with pytest.raises(ValidationError) as refused:
        actions.issue_visa(screened, by=clerk, form=Visa.Form.EVISA, expected_version=_case(screened).version)
    assert "seal_keys" in str(refused.value)
    assert not Visa.unscoped.exists() and _case(screened).status == "approved"


def test_a_withdrawn_application_is_no_longer_screened_again(screened, clerk):
    from consular.screening.models import ScreeningSubject
    from consular.workflow.actions import fire

    assert ScreeningSubject.objects.open().filter(case=screened.case).exists()
    fire(_case(screened), "withdraw", by=clerk, expected_version=_case(screened).version, note="Trip cancelled.")
    assert not ScreeningSubject.objects.open().filter(case=screened.case).exists()


def test_the_screening_tasks_run_as_in_a_worker_with_no_office_scope(screened, hq_actor):
    """A worker process has no request, so no office scope: the tasks must not need one."""
    from django_scopes import scope

    from consular.screening import tasks
    from consular.screening.models import Watchlist

    run = import_un(EXCERPT.read_bytes(), Watchlist.objects.get(code="un-sc"), hq_actor).run
    with scope():  # scopes on, no dimension active: what a worker process sees
        assert tasks.rescreen_after_import(run.pk) >= 0
        assert tasks.screen_subject(screened.case.screening.pk) == 0
