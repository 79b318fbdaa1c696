"""The MRZ check asks the register: a lost passport is never "all correct", and other offices learn only its status."""

from datetime import date

import pytest
from django.utils import translation

from consular.audit.models import AuditEntry
from consular.identity.models import IdentityDocument
from passports import actions
from tests.identity.factories import IdentityDocumentFactory, PersonFactory, actor_for
from tests.passports.test_production_views import td3

MRZ = "/passports/mrz/"
ALL_CORRECT = "Every field and check digit is correct"


@pytest.fixture(autouse=True)
def _pages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def english(signed_in):
    def sign_in(user):
        client = signed_in(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


@pytest.fixture
def tanaka(nyc):
    """TANAKA YUKI's valid passport, known only to New York."""
    person = PersonFactory(created_by_office=nyc, family_name="TANAKA", given_names="YUKI", sex="F",
                           birth_year=1988, birth_month=2, birth_day=29)
    return IdentityDocumentFactory(person=person, number="TZ1234567", expires_on=date(2030, 4, 1))


def tanaka_mrz(**overrides) -> str:
    fields = {"surname": "TANAKA", "given_names": "YUKI", "number": "TZ1234567", "birth_date": date(1988, 2, 29),
              "sex": "F", "expiry_date": date(2030, 4, 1)} | overrides
    return "\n".join(td3(**fields))


def check(client, text: str):
    response = client.post(MRZ, {"mrz": text})
    return response, response.context["register"]


def test_a_passport_reported_lost_is_never_all_correct(english, london_clerk, nyc_clerk, tanaka):
    actions.report_loss(tanaka, by=actor_for(nyc_clerk),
                        details=actions.LossDetails(kind="lost", circumstances="Left on a train"))
    response, register = check(english(london_clerk), tanaka_mrz())
    assert response.status_code == 200
    assert register.status == IdentityDocument.Status.LOST and not register.acceptable
    assert ALL_CORRECT not in response.text and response.context["valid"] is False
    assert "The check digits are right, but the register has this passport as “Lost”" in response.text


def test_a_valid_passport_the_office_may_read_is_all_correct_with_its_holder(english, nyc_clerk, tanaka):
    response, register = check(english(nyc_clerk), tanaka_mrz())
    assert (register.status, register.acceptable, register.differences) == ("valid", True, ())
    assert response.context["valid"] is True
    assert "the register has this passport as valid" in response.text
    assert f'href="/persons/{tanaka.person_id}/"' in response.text and "YUKI" in response.text


def test_a_holder_who_differs_from_the_register_is_named_for_a_passport_the_office_reads(english, nyc_clerk, tanaka):
    response, register = check(english(nyc_clerk), tanaka_mrz(birth_date=date(1988, 3, 1)))
    assert register.differences == (("Date of birth", "1988-02-29"),)
    assert response.context["valid"] is False
    assert "does not say what the register says of its holder" in response.text


def test_another_office_learns_the_status_and_nothing_about_the_holder(english, london_clerk, tanaka):
    client = english(london_clerk)
    right, right_register = check(client, tanaka_mrz())
    wrong, wrong_register = check(client, tanaka_mrz(birth_date=date(1988, 3, 1), sex="M"))
    for response, register in ((right, right_register), (wrong, wrong_register)):
        assert (register.status, register.document, register.differences) == ("valid", None, ())
        assert response.context["valid"] is True
        in_register = response.text.split('id="register-heading"')[1].split("<table")[0]
        assert f"/persons/{tanaka.person_id}/" not in response.text and "YUKI" not in in_register
        assert "only its status is shown" in response.text
    assert "1988-02-29" not in wrong.text  # the register's date of birth, when the MRZ gave another
    # No answer depends on the guessed holder details: nothing to probe a date of birth with.
    assert right.context["valid"] == wrong.context["valid"]


def test_a_passport_not_yet_handed_over_is_not_acceptable(english, london_clerk, tanaka):
    IdentityDocument.unscoped.filter(pk=tanaka.pk).update(status=IdentityDocument.Status.PENDING)
    response, register = check(english(london_clerk), tanaka_mrz())
    assert (register.label, register.acceptable) == ("Not yet handed over", False)
    assert ALL_CORRECT not in response.text


def test_a_valid_passport_past_its_expiry_reads_as_expired(english, nyc_clerk, nyc):
    person = PersonFactory(created_by_office=nyc, family_name="TANAKA", given_names="YUKI", sex="F",
                           birth_year=1988, birth_month=2, birth_day=29)
    IdentityDocumentFactory(person=person, number="TZ7777777", issued_on=date(2014, 4, 1), expires_on=date(2024, 4, 1))
    response, register = check(english(nyc_clerk), tanaka_mrz(number="TZ7777777", expiry_date=date(2024, 4, 1)))
    assert (register.status, register.acceptable) == ("expired", False)
    assert ALL_CORRECT not in response.text


def test_a_number_unknown_to_the_register_says_so(english, london_clerk, db):
    response, register = check(english(london_clerk), tanaka_mrz(number="TZ0000009"))
    assert register.unknown and not register.acceptable
    assert "the register has no passport of this issuing state with this number" in response.text
    assert ALL_CORRECT not in response.text


def test_the_register_is_not_asked_when_the_number_may_be_misread(english, london_clerk, tanaka):
    line1, line2 = td3(surname="TANAKA", given_names="YUKI", number="TZ1234567", birth_date=date(1988, 2, 29),
                       sex="F", expiry_date=date(2030, 4, 1))
    wrong = str((int(line2[9]) + 1) % 10)
    before = AuditEntry.unscoped.count()
    response, register = check(english(london_clerk), f"{line1}\n{line2[:9]}{wrong}{line2[10:]}")
    assert register is None
    assert "The register was not asked" in response.text
    assert AuditEntry.unscoped.count() == before


def test_every_look_up_is_audited_like_the_loss_report_look_up(english, london_clerk, tanaka):
    client = english(london_clerk)
    check(client, tanaka_mrz())
    check(client, tanaka_mrz(number="TZ0000009"))
    found, missed = AuditEntry.unscoped.filter(username="london_clerk", action="read").order_by("pk")
    assert (found.object_type, found.object_id, found.changes) == (
        "identity.identitydocument", str(tanaka.pk), {"register": [None, "valid"]})
    assert (missed.object_repr, missed.changes["number_ends"], missed.changes["register"]) == (
        "MRZ check: not in the register", "0009", [None, "unknown"])
    assert "TZ0000009" not in str(missed.changes)


def test_probing_japanese_numbers_is_stopped_like_loss_report_look_ups(english, london_clerk, db):
    client = english(london_clerk)
    for number in range(actions.LOOKUP_FAILURES_PER_HOUR):
        assert check(client, tanaka_mrz(number=f"TZ00001{number:02d}"))[1].unknown
    response, register = check(client, tanaka_mrz(number="TZ0000200"))
    assert register is None and "Too many passports not found this hour" in response.text


def test_misses_of_the_mrz_check_and_the_loss_report_look_up_share_one_limit(english, london_clerk, db):
    client = english(london_clerk)
    half = actions.LOOKUP_FAILURES_PER_HOUR // 2
    for number in range(half):
        assert actions.find_passport_to_report(by=actor_for(london_clerk), number=f"TZ00003{number:02d}",
                                               family_name="TANAKA", date_of_birth=date(1988, 2, 29)) is None
    for number in range(actions.LOOKUP_FAILURES_PER_HOUR - half):
        assert check(client, tanaka_mrz(number=f"TZ00001{number:02d}"))[1].unknown
    response, register = check(client, tanaka_mrz(number="TZ0000200"))
    assert register is None and "Too many passports not found this hour" in response.text
    with pytest.raises(actions.TooManyLookups):
        actions.find_passport_to_report(by=actor_for(london_clerk), number="TZ0000400", family_name="TANAKA",
                                        date_of_birth=date(1988, 2, 29))
    assert AuditEntry.unscoped.filter(username="london_clerk", object_repr="MRZ check: refused").count() == 1


def test_foreign_passports_unknown_to_the_register_do_not_count_as_probes(english, london_clerk, db):
    client = english(london_clerk)
    for number in range(actions.LOOKUP_FAILURES_PER_HOUR + 1):
        register = check(client, tanaka_mrz(number=f"X{number:07d}1", issuing_state="GBR"))[1]
        assert register is not None and register.unknown
