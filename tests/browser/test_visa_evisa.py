"""An e-visa from the demo's approved application: issued by the clerk, verified on the public /verify page, revoked.

The grant notice prints the seal as a QR code and as text; a border officer's photo of the QR
(a screenshot of the notice's code) and the pasted text both verify as valid. A supervisor revokes
the visa and /verify says revoked at once.
"""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tests.browser.conftest import in_language, sign_in, sign_out
from tests.browser.test_visa_screening import (
    SHOTS,
    case_status,
    ja,
    open_application,
    shot,
    visa_data,  # noqa: F401 (a fixture)
)
from visas import demo as visas_demo
from visas.models import Status, Visa, VisaApplication

pytestmark = pytest.mark.browser


@pytest.fixture
def visas_demo_data(visa_data) -> str:  # noqa: F811
    """The visa demo (idempotent: loading it twice adds nothing); the reference of its approved application."""
    with scopes_disabled():
        visas_demo.seed()
        count = VisaApplication.unscoped.count()
        visas_demo.seed()
        assert VisaApplication.unscoped.count() == count
        return VisaApplication.unscoped.get(case__status=Status.APPROVED, case__person__family_name="NGUYEN"
                                            ).case.reference


def verify(page: Page, *, text: str = "", photo: str = "") -> None:
    page.goto("/verify/")
    if photo:
        page.get_by_label(in_language("ja", "Or a photo of the QR code")).set_input_files(photo)
    else:
        page.get_by_label(in_language("ja", "The seal as text")).fill(text)
    page.get_by_role("button", name=in_language("ja", "Verify")).click()


def test_an_evisa_is_issued_verified_by_photo_and_text_then_revoked(staff_page: Page, visas_demo_data: str):
    page = staff_page
    reference = visas_demo_data

    sign_in(page, "nyc_clerk")
    open_application(page, reference)
    form = page.locator("#decide-issue")
    form.locator("input[name=issue-form][value=evisa]").check()
    form.get_by_role("button", name=ja("Issue the visa")).click()
    expect(page.get_by_role("status").first).to_contain_text(ja("Visa issued."))
    assert case_status(reference) == Status.ISSUED
    with scopes_disabled():
        visa = Visa.unscoped.get(application__case__reference=reference)
    expect(page.locator(".visa-number")).to_have_text(visa.number)
    shot(page, "evisa-issued")

    page.get_by_role("link", name=ja("Print the grant notice")).click()
    expect(page.locator("main")).to_contain_text(visa.number)
    seal_text = page.locator(".paper__seal-text code").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    qr_photo = SHOTS / "grant-notice-qr.png"
    page.locator(".paper__qr").screenshot(path=str(qr_photo))
    shot(page, "grant-notice")

    # Anyone checks it: a photo of the QR code, then the text printed under it.
    verify(page, photo=str(qr_photo))
    expect(page.get_by_role("status").first).to_contain_text(
        in_language("ja", "Valid: our signer made this seal and nothing in it has been changed."))
    expect(page.locator("main")).to_contain_text("NGUYEN")
    verify(page, text=seal_text)
    expect(page.get_by_role("status").first).to_contain_text(
        in_language("ja", "Valid: our signer made this seal and nothing in it has been changed."))
    shot(page, "verify-valid")
    sign_out(page)

    # A supervisor revokes it; the public page says so at once.
    sign_in(page, "nyc_supervisor")
    page.goto(f"/visas/{reference}/")  # issued, so closed: not among the queue's open applications
    form = page.locator("#decide-end")
    form.locator("input[name=end-how][value=revoke]").check()
    form.locator("#id_end-note").fill("Revoked on the instruction of HQ.")
    form.locator("#id_end-confirm").check()
    form.get_by_role("button", name=ja("End the visa")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        ja("The visa is no longer valid; verification shows it at once."))
    assert case_status(reference) == Status.REVOKED
    verify(page, text=seal_text)
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("main")).to_contain_text(visa.number)
    shot(page, "verify-revoked")
