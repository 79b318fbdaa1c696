"""Adding a passkey (django-otp-webauthn) and using it as the second factor, with Chromium's virtual authenticator."""

import time

import pytest
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

from consular.audit.models import AuditEntry
from consular.offices import demo as demo_data
from tests.browser.conftest import allow_code_reuse, enter_password, in_language, on_home_page, sign_in, sign_out

pytestmark = pytest.mark.browser


def add_virtual_authenticator(page: Page) -> None:
    """A platform authenticator (like a laptop's fingerprint reader) that always verifies its user."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def slow_down_the_translation_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server sends django-otp-webauthn's JavaScript catalogue late, as a busy one may.

    The passkey buttons call gettext() from it: they must not be usable before it is there.
    """
    send = JavaScriptCatalog.get

    def late(self, request, *args, **kwargs):
        time.sleep(0.5)  # in the live server's thread: the browser and the test carry on
        return send(self, request, *args, **kwargs)

    monkeypatch.setattr(JavaScriptCatalog, "get", late)


def test_passkey_can_be_added_and_used_as_the_second_factor(staff_page: Page, monkeypatch: pytest.MonkeyPatch):
    page = staff_page
    add_virtual_authenticator(page)
    slow_down_the_translation_catalogue(monkeypatch)
    sign_in(page, "nyc_officer")

    page.get_by_role("link", name=in_language("ja", "Security")).click()
    expect(page.get_by_text(in_language("ja", "No passkeys."))).to_be_visible()
    page.get_by_role("link", name=in_language("ja", "Manage passkeys")).click()

    # Adding a second factor needs the password and a fresh code again.
    expect(page).to_have_url("/accounts/reauthenticate/?next=%2Faccounts%2Fsecurity%2Fpasskeys%2F")
    allow_code_reuse("nyc_officer")  # the code used to sign in may still be the current one
    page.get_by_label(in_language("ja", "Password")).fill(demo_data.DEMO_PASSWORD)
    page.get_by_label(in_language("ja", "Code")).fill(demo_data.demo_code("nyc_officer"))
    page.get_by_role("button", name=in_language("ja", "Continue")).click()

    expect(page).to_have_url("/accounts/security/passkeys/")
    page.get_by_role("button", name=in_language("ja", "Add a passkey")).click()
    expect(page.locator("#passkey-register-status-message")).to_have_attribute("data-status-enum", "success")
    # The passkey script's own messages come in Japanese too (locale/ja/LC_MESSAGES/djangojs.po).
    expect(page.locator("#passkey-register-status-message")).to_have_text("パスキーを登録しました。")
    # The list shows the new passkey without the clerk having to reload.
    passkeys = page.locator("main table tbody tr")
    expect(passkeys).to_have_count(1)
    expect(passkeys.get_by_role("cell").first).to_have_text(in_language("ja", "Passkey"))
    expect(passkeys.get_by_role("button")).to_have_accessible_name(
        f"{in_language('ja', 'Remove')} {in_language('ja', 'Passkey')}"
    )
    credential = WebAuthnCredential.objects.get(user__username="nyc_officer", confirmed=True)

    sign_out(page)
    enter_password(page, "nyc_officer")
    page.wait_for_url("**/accounts/sign-in/verify/**")
    page.get_by_role("button", name=in_language("ja", "Use a passkey")).click()
    page.wait_for_url(on_home_page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("在ニューヨーク日本国総領事館")
    expect(page.locator(".acting-office")).to_contain_text("NYC")
    credential.refresh_from_db()
    assert credential.last_used_at is not None
    # Both acts are in the audit log: the passkey added, and the sign-in made with it.
    entries = AuditEntry.unscoped.filter(username="nyc_officer")
    assert entries.filter(action="second_factor", object_id=str(credential.pk)).exists()
    assert entries.filter(action="sign_in", object_repr="passkey").count() == 1
