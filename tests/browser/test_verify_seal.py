"""Anyone holding an e-visa notice checks its seal on the public page: by photo of the QR code or by its text."""

from datetime import date

import pytest
import segno
from playwright.sync_api import Page, expect

from consular.documents import qr, seals, signing
from consular.documents.actions import revoke_sealed_document
from consular.documents.mrz import VisaData, mrva_lines
from tests.browser.conftest import in_language

pytestmark = pytest.mark.browser


@pytest.fixture
def sealed_visa(settings, tmp_path, transactional_db) -> bytes:
    settings.SEAL_KEYS_DIR = tmp_path / "seal-keys"
    signing.create_root()
    signer = signing.issue_signer()
    visa = VisaData(document_code="V", issuing_state="JPN", surname="Petrova", given_names="Anna", number="JV0004711",
                    nationality="BGR", birth_date=date(1990, 3, 21), sex="F", expiry_date=date(2027, 6, 30))
    features = seals.VisaFeatures(mrz=mrva_lines(visa), passport_number="BG1234567", entries=seals.MULTIPLE_ENTRIES,
                                  stay_days=90)
    header = seals.Header(issuing_state="JPN", signer=signer.identifier, certificate_reference=signer.reference,
                          issued_on=date(2026, 12, 1), signed_on=date.today())
    return seals.seal(header, features.encode(), signer.sign)


def test_a_border_officer_verifies_a_photographed_notice_then_a_revoked_one(staff_page: Page, sealed_visa, tmp_path):
    page = staff_page
    page.goto("/")  # not signed in: the sign-in page links to the verification page in its footer
    page.get_by_role("link", name=in_language("ja", "Verify an electronic visa")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(in_language("ja", "Verify an electronic visa"))

    photo = tmp_path / "notice.png"
    segno.make(sealed_visa, error="m", mode="byte").save(str(photo), scale=6, border=4)
    page.get_by_label(in_language("ja", "Or a photo of the QR code")).set_input_files(str(photo))
    page.get_by_role("button", name=in_language("ja", "Verify")).click()
    expect(page.get_by_role("status")).to_contain_text(
        in_language("ja", "Valid: our signer made this seal and nothing in it has been changed."))
    expect(page.locator("main")).to_contain_text("PETROVA")
    expect(page.locator("main")).to_contain_text("BG1234567")

    revoke_sealed_document(issuing_state="JPN", number="JV0004711", reason="revoked", by=None)
    page.get_by_label(in_language("ja", "The seal as text")).fill(qr.payload_text(sealed_visa))
    page.get_by_role("button", name=in_language("ja", "Verify")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("main")).to_contain_text("JV0004711")


def test_a_mistyped_seal_is_refused_beside_the_field(staff_page: Page, sealed_visa):
    page = staff_page
    page.goto("/verify/")
    text = qr.payload_text(sealed_visa)
    page.get_by_label(in_language("ja", "The seal as text")).fill(text[:20] + "!" + text[21:])
    page.get_by_role("button", name=in_language("ja", "Verify")).click()
    expect(page.locator(".field--error")).to_contain_text(
        in_language("ja", "This is not a seal's text: copy the groups printed under the QR code."))
    expect(page.get_by_label(in_language("ja", "The seal as text"))).to_have_value(text[:20] + "!" + text[21:])
