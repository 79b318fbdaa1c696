"""Papers handed to the applicant: print-ready, in the applicant's language, scoped and audited like the pages."""

import re
from datetime import UTC, datetime

import pytest

from consular.audit.models import AuditEntry
from consular.workflow.models import Case
from passports import actions
from passports.models import LossReport, PassportApplication
from tests.identity.factories import IdentityDocumentFactory, PersonFactory, actor_for
from tests.passports.factories import approve, complete_checklist, submit


@pytest.fixture
def paid(applicant, clerk):
    """SATO KENJI's application at New York, every document checked and the fee paid."""
    application = submit(clerk, applicant)
    complete_checklist(application, clerk)
    return application


@pytest.fixture
def handed_over(applicant, clerk, officer, hq_actor):
    application = approve(submit(clerk, applicant), clerk, officer)
    batch = actions.create_batch(by=hq_actor)
    batch = actions.mark_batch_printed(batch, by=hq_actor, expected_version=batch.version)
    actions.dispatch_batch(batch, by=hq_actor, expected_version=batch.version)
    actions.receive_shipment([Case.unscoped.get(pk=application.case_id)], by=clerk)
    application = PassportApplication.unscoped.select_related("case").get(pk=application.pk)
    actions.collect_passport(application, by=clerk, expected_version=application.case.version,
                             identity_evidence="Driving licence")
    return application


def report_of(document, by) -> LossReport:
    return actions.report_loss(document, by=by, details=actions.LossDetails(
        kind="stolen", circumstances="Bag taken", police_reference="MET-1"))


@pytest.fixture
def tanakas_passport(nyc):
    person = PersonFactory(created_by_office=nyc, family_name="TANAKA", given_names="YUKI")
    return IdentityDocumentFactory(person=person, number="TZ1234567")


def paper_urls(application) -> dict[str, str]:
    reference = application.case.reference
    return {
        "receipt": f"/passports/{reference}/receipt/",
        "acknowledgement": f"/passports/{reference}/acknowledgement/",
        "handover": f"/passports/{reference}/collection-record/",
    }


def test_every_paper_is_a_bare_page_in_the_applicants_language_with_the_clerks_controls(
    signed_in, nyc_clerk, handed_over, london_clerk, tanakas_passport
):
    report = report_of(tanakas_passport, actor_for(london_clerk))
    pages = [(nyc_clerk, url) for url in paper_urls(handed_over).values()]
    pages.append((london_clerk, f"/passports/lost/{report.pk}/acknowledgement/"))
    for member, url in pages:
        client = signed_in(member)
        english = client.get(url, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="ja")
        japanese = client.get(url, {"lang": "ja"}, HTTP_ACCEPT_LANGUAGE="ja")
        for response, language in ((english, "en"), (japanese, "ja")):
            text = response.content.decode()
            assert response.status_code == 200, url
            assert response["Cache-Control"] == "no-store, private"
            assert f'<article class="paper" lang="{language}"' in text
            assert "site-nav" not in text and "switch-office" not in text and "<form" not in text
            assert ">戻る<" in text and ">印刷<" in text  # the clerk's controls stay in the clerk's language
        assert "Consulate-General of Japan in New York" in english.text or "Embassy of Japan in the UK" in english.text
        assert "在ニューヨーク日本国総領事館" in japanese.text or "在英国日本国大使館" in japanese.text


def test_the_receipt_shows_the_number_the_amount_and_who_took_it(signed_in, nyc_clerk, paid):
    text = signed_in(nyc_clerk).get(paper_urls(paid)["receipt"], {"lang": "en"}).content.decode()
    assert paid.receipt_number in text and "USD 106.67" in text and "JPY 16,000" in text
    assert "Test Nyc_Clerk" in text and "nyc_clerk" not in text
    assert "SATO KENJI" in text and paid.case.reference in text


def test_the_acknowledgement_says_what_was_received_the_fee_and_what_happens_next(
    signed_in, nyc_clerk, applicant, clerk
):
    application = submit(clerk, applicant)
    text = signed_in(nyc_clerk).get(paper_urls(application)["acknowledgement"], {"lang": "en"}).content.decode()
    assert application.case.reference in text
    assert "Family register extract (issued within 6 months): still to be checked" in text
    assert "USD 106.67, not paid yet" in text
    assert "ready for collection at Consulate-General of Japan in New York" in text


def test_the_record_of_collection_has_the_passport_and_a_place_to_sign(signed_in, nyc_clerk, handed_over):
    text = signed_in(nyc_clerk).get(paper_urls(handed_over)["handover"], {"lang": "ja"}).content.decode()
    passport = handed_over.current_passport
    assert passport.number in text and "名義人署名" in text and "Driving licence" in text


def test_dates_are_the_offices_own_day(signed_in, nyc_clerk, paid):
    # 03:30 UTC on 2 March is still 1 March in New York.
    PassportApplication.unscoped.filter(pk=paid.pk).update(paid_at=datetime(2026, 3, 2, 3, 30, tzinfo=UTC))
    text = signed_in(nyc_clerk).get(paper_urls(paid)["receipt"], {"lang": "ja"}).content.decode()
    assert "2026年3月1日 22:30" in text


def test_papers_of_another_office_are_404(signed_in, london_clerk, nyc_clerk, handed_over, tanakas_passport):
    for url in paper_urls(handed_over).values():
        assert signed_in(london_clerk).get(url).status_code == 404
    report = report_of(tanakas_passport, actor_for(nyc_clerk))
    assert signed_in(london_clerk).get(f"/passports/lost/{report.pk}/acknowledgement/").status_code == 404


def test_a_paper_for_a_step_not_taken_yet_is_404(signed_in, nyc_clerk, applicant, clerk):
    urls = paper_urls(submit(clerk, applicant))
    client = signed_in(nyc_clerk)
    assert client.get(urls["receipt"]).status_code == 404
    assert client.get(urls["handover"]).status_code == 404
    assert client.get(urls["acknowledgement"]).status_code == 200


def test_a_language_the_papers_are_not_printed_in_is_a_clear_400(signed_in, nyc_clerk, paid):
    response = signed_in(nyc_clerk).get(paper_urls(paid)["receipt"], {"lang": "fr"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response.content.decode() == "Papers are printed in Japanese or English."


def test_every_read_of_a_paper_is_audited(signed_in, nyc_clerk, paid, applicant):
    signed_in(nyc_clerk).get(paper_urls(paid)["receipt"], {"lang": "en"})
    entry = AuditEntry.unscoped.filter(username="nyc_clerk", changes__has_key="paper").get()
    assert (entry.action, entry.object_type, entry.object_id) == ("read", "identity.person", str(applicant.pk))
    assert entry.changes == {"paper": [None, "receipt"], "reference": [None, paid.case.reference],
                             "language": [None, "en"]}


def test_a_loss_acknowledgement_names_the_holder_only_as_far_as_the_office_may_read(
    signed_in, london_clerk, nyc_clerk, tanakas_passport
):
    reported_in_london = report_of(tanakas_passport, actor_for(london_clerk))
    url = f"/passports/lost/{reported_in_london.pk}/acknowledgement/"
    text = signed_in(london_clerk).get(url, {"lang": "en"}).content.decode()
    assert "TANAKA" in text and "YUKI" not in text and "TZ1234567" in text
    assert reported_in_london.reference in text and "MET-1" in text
    # New York knows TANAKA but did not take the report: an office reads back its own reports only.
    assert signed_in(nyc_clerk).get(url).status_code == 404


def test_a_loss_acknowledgement_names_the_whole_name_where_the_office_may_read_the_holder(
    signed_in, nyc_clerk, tanakas_passport
):
    report = report_of(tanakas_passport, actor_for(nyc_clerk))
    text = signed_in(nyc_clerk).get(f"/passports/lost/{report.pk}/acknowledgement/", {"lang": "en"}).content.decode()
    assert "TANAKA YUKI" in text


def test_a_loss_report_gets_a_numbered_reference(london_clerk, london, tanakas_passport):
    report = report_of(tanakas_passport, actor_for(london_clerk))
    assert re.fullmatch(r"L-20\d\d-LON-000001", report.reference)


def test_the_application_page_links_the_papers_that_can_be_printed_now(signed_in, nyc_clerk, applicant, clerk):
    application = submit(clerk, applicant)
    client = signed_in(nyc_clerk)
    urls = paper_urls(application)
    page = client.get(f"/passports/{application.case.reference}/").content.decode()
    assert urls["acknowledgement"] in page and urls["receipt"] not in page and urls["handover"] not in page
    complete_checklist(application, clerk)
    page = client.get(f"/passports/{application.case.reference}/").content.decode()
    assert urls["receipt"] in page


def test_the_loss_report_confirmation_links_its_acknowledgement(signed_in, london_clerk, tanakas_passport):
    report = report_of(tanakas_passport, actor_for(london_clerk))
    page = signed_in(london_clerk).get("/passports/lost/", {"report": report.pk}).content.decode()
    assert f"/passports/lost/{report.pk}/acknowledgement/" in page
