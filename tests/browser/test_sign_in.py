"""Signing in with a password and a code, language and office switches, signing out, session expiry."""

import re
from datetime import timedelta
from importlib import import_module

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from consular.accounts.middleware import LAST_SEEN_AT
from consular.audit.models import AuditEntry
from consular.offices import demo as demo_data
from tests.browser.conftest import (
    allow_code_reuse,
    enter_code,
    enter_password,
    in_language,
    on_home_page,
    sign_in,
    sign_out,
)

pytestmark = pytest.mark.browser


def test_clerk_signs_in_with_password_and_code_sees_japanese_switches_language_and_office_and_signs_out(
    staff_page: Page,
):
    page = staff_page
    page.goto("/")
    expect(page).to_have_url("/accounts/sign-in/?next=%2F")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_label("ユーザー名")).to_be_visible()  # Django's own Japanese for "username"

    page.get_by_label("ユーザー名").fill("nyc_clerk")
    page.get_by_label("パスワード").fill(demo_data.DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=in_language("ja", "Sign in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(in_language("ja", "Confirm it is you"))
    page.get_by_label(in_language("ja", "Code")).fill(demo_data.demo_code("nyc_clerk"))
    page.get_by_role("button", name=in_language("ja", "Continue")).click()

    page.wait_for_url(on_home_page)
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_contain_text("在ニューヨーク日本国総領事館")
    expect(page.get_by_role("navigation", name=in_language("ja", "Main"))).to_contain_text("ホーム")
    expect(page.locator(".sign-out__user")).to_have_text("Naomi Clark")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consulate-General of Japan in New York")
    expect(page.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-current", "true")

    page.get_by_label("Other office").select_option(label="Embassy of Japan in Thailand (BKK) · Clerk")
    page.get_by_role("button", name="Switch office").click()
    expect(page.get_by_role("status")).to_have_text("You are now acting for Embassy of Japan in Thailand.")
    expect(page.locator(".acting-office strong")).to_have_text("Embassy of Japan in Thailand (BKK)")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Embassy of Japan in Thailand")
    expect(page.locator(".acting-office time")).to_have_attribute("datetime", re.compile(r"\+07:00$"))  # Bangkok
    # Switching back is offered the same way.
    expect(page.get_by_label("Other office")).to_contain_text("Consulate-General of Japan in New York (NYC)")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/accounts/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.goto("/")
    expect(page).to_have_url("/accounts/sign-in/?next=%2F")
    expect(page.get_by_role("status")).to_have_count(0)  # the sign-out message is shown once
    entries = AuditEntry.objects.filter(username="nyc_clerk").order_by("at", "pk")
    assert list(entries.values_list("action", "office_code")) == [
        (AuditEntry.Action.SIGN_IN, "NYC"),
        (AuditEntry.Action.SWITCH_OFFICE, "NYC"),
        (AuditEntry.Action.SIGN_OUT, "BKK"),
    ]


def test_wrong_password_and_wrong_code_show_clear_errors_and_do_not_sign_in(staff_page: Page):
    page = staff_page
    enter_password(page, "nyc_clerk", password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text(in_language("ja", "The username or password is not correct."))
    expect(page.get_by_role("heading", level=1)).to_have_text(in_language("ja", "Sign in"))
    expect(page.get_by_label("ユーザー名")).to_have_value("nyc_clerk")
    expect(page.get_by_label("パスワード")).to_have_value("")

    page.get_by_label("パスワード").fill(demo_data.DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=in_language("ja", "Sign in")).click()
    page.wait_for_url("**/accounts/sign-in/verify/**")
    right = demo_data.demo_code("nyc_clerk")
    page.get_by_label(in_language("ja", "Code")).fill(f"{(int(right) + 500_000) % 1_000_000:06d}")
    page.get_by_role("button", name=in_language("ja", "Continue")).click()
    expect(page.locator(".field__errors")).to_have_text(in_language("ja", "That code is not correct."))
    expect(page.get_by_label(in_language("ja", "Code"))).to_have_attribute("aria-invalid", "true")

    # Only the password is not enough: every page still asks for the code.
    page.goto("/offices/NYC/")
    expect(page).to_have_url("/accounts/sign-in/verify/?next=%2Foffices%2FNYC%2F")
    expect(page.get_by_role("navigation")).to_have_count(0)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.SIGN_IN).exists()


def test_idle_session_expires_with_a_clear_message(staff_page: Page):
    page = staff_page
    sign_in(page, "nyc_clerk")

    # The clerk leaves the desk for longer than the idle limit.
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME)
    session = import_module(settings.SESSION_ENGINE).SessionStore(session_key=cookie["value"])
    session[LAST_SEEN_AT] = (timezone.now() - settings.SESSION_IDLE_TIMEOUT - timedelta(minutes=1)).isoformat()
    session.save()

    page.get_by_role("link", name=in_language("ja", "My office"), exact=True).click()
    expect(page).to_have_url("/accounts/sign-in/?next=%2Foffices%2FNYC%2F")
    expect(page.get_by_role("alert")).to_have_text(in_language("ja", "Your session has expired. Please sign in again."))
    expect(page.get_by_role("button", name=in_language("ja", "Sign out"))).to_have_count(0)

    # Signing in again goes back to the page they asked for.
    allow_code_reuse("nyc_clerk")
    page.get_by_label("ユーザー名").fill("nyc_clerk")
    page.get_by_label("パスワード").fill(demo_data.DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=in_language("ja", "Sign in")).click()
    page.wait_for_url("**/accounts/sign-in/verify/**")
    enter_code(page, "nyc_clerk")
    expect(page).to_have_url("/offices/NYC/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("在ニューヨーク日本国総領事館")
    sign_out(page)
