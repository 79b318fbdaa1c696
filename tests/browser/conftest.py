"""Debian's Chromium, driven by Playwright, against the live server with the demo data.

The fixtures are named so that pytest-playwright's own (`browser`, `page`, …) are never
used: those would parametrize every test by browser name and launch a downloaded build.
Pages are browsed at http://localhost:<port>, not 127.0.0.1, because WebAuthn needs the
relying party ID "localhost" to match the page's host.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from consular.offices import demo as demo_data
from tests.browser.accessibility import AccessibilityCheck, axe_source

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000
ALLOW_ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[Browser]:
    # CI fails on any skip, so a missing browser is an error with the fix in it, not a skip.
    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    # Playwright's sync API keeps an event loop running in the test thread; Django would refuse
    # the tests' own database work (demo data, TOTP codes) as "async unsafe" while it does.
    # Set only while the browser runs, so a mixed run does not relax the check for other tests.
    before = os.environ.get(ALLOW_ASYNC_UNSAFE)
    os.environ[ALLOW_ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if before is None:
            del os.environ[ALLOW_ASYNC_UNSAFE]
        else:
            os.environ[ALLOW_ASYNC_UNSAFE] = before


@pytest.fixture
def site_url(live_server, settings) -> str:
    """The live server's address at localhost, allowed as a WebAuthn origin."""
    url = live_server.url.replace("127.0.0.1", "localhost")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # django-otp-webauthn reads these through django.conf.settings on every access.
    settings.OTP_WEBAUTHN_RP_ID = "localhost"
    settings.OTP_WEBAUTHN_ALLOWED_ORIGINS = [url]
    return url


@pytest.fixture
def demo(transactional_db) -> None:
    """The demo offices, staff and their authenticators (`consular.offices.demo`)."""
    with scopes_disabled():
        demo_data.seed()


@pytest.fixture(scope="session")
def axe() -> str:
    """axe-core's source, read once; fails with the fix in the message when `npm ci` has not run."""
    return axe_source()


@contextmanager
def staff_browser_page(browser: Browser, site_url: str, axe: str) -> Iterator[Page]:
    """A fresh browser profile of a Japanese-speaking member of staff, at the live server.

    On leaving, the page must have had no script or style the CSP blocked, no uncaught script
    error, and no serious or critical axe-core violation on any page it opened.
    """
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=site_url)
    context.set_default_timeout(TIMEOUT_MS)
    accessibility = AccessibilityCheck(axe)
    accessibility.watch(context)
    page = context.new_page()
    accessibility.hold_navigations(page)
    # A script or style the CSP blocks, or a script that throws, is a broken page even if it looks fine.
    problems: list[str] = []

    def note_blocked(message: ConsoleMessage) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", note_blocked)
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    yield page
    accessibility.wait_for(page)  # the page the test ended on
    opened_a_page = page.url != "about:blank"
    context.close()
    assert not problems, problems
    assert not accessibility.violations, accessibility.report()
    assert accessibility.pages_checked or not opened_a_page, "axe-core checked no page: is the init script running?"


@pytest.fixture
def staff_page(chromium_browser: Browser, site_url: str, demo, axe: str) -> Iterator[Page]:
    """A member of staff's browser (`staff_browser_page`)."""
    with staff_browser_page(chromium_browser, site_url, axe) as page:
        yield page


def in_language(language: str, message: str) -> str:
    """`message` as the app shows it in `language` (the same catalogues the live server uses)."""
    with translation.override(language):
        return translation.gettext(message)


def allow_code_reuse(username: str) -> None:
    """Forget the last code step used, so the same 30-second code can be entered again.

    django-otp refuses a code from a time step it has already accepted; a test that
    signs in and then re-authenticates within one step would otherwise have to wait.
    """
    TOTPDevice.objects.filter(user__username=username, name="Demo authenticator").update(last_t=-1)


def enter_code(page: Page, username: str) -> None:
    page.locator("input[name=code]").fill(demo_data.demo_code(username))
    page.locator("main form button[type=submit]").click()


def enter_password(page: Page, username: str, password: str = demo_data.DEMO_PASSWORD) -> None:
    """Open the site and get past the password step (to the second-factor page, if it is right)."""
    page.goto("/")
    page.wait_for_url("**/accounts/sign-in/**")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()


def sign_in(page: Page, username: str) -> None:
    """Password, then the code from the demo authenticator; ends on the home page."""
    enter_password(page, username)
    page.wait_for_url("**/accounts/sign-in/verify/**")
    enter_code(page, username)
    page.wait_for_url(on_home_page)


def on_home_page(url: str) -> bool:
    return urlparse(url).path == "/"


def sign_out(page: Page) -> None:
    page.locator("form.sign-out button[type=submit]").click()
    page.wait_for_url("**/accounts/sign-in/**")
