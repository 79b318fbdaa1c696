"""The axe-core check of every page (tests/browser/accessibility.py) reports what it finds, even when left at once."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Route

from tests.browser import accessibility
from tests.browser.accessibility import AccessibilityCheck

SITE = "http://checked.test"
FIRST = f"""<!doctype html><html lang="en"><head><title>One</title></head><body><main><h1>One</h1>
<img src="{SITE}/x.png"><a href="{SITE}/two">Two</a></main></body></html>"""
SECOND = """<!doctype html><html lang="en"><head><title>Two</title></head><body><main><h1>Two</h1>
<form><input type="text" name="unlabelled"></form></main></body></html>"""


@pytest.mark.browser
def test_a_violation_on_a_page_left_straight_away_is_still_reported(chromium_browser: Browser, axe: str):
    context = chromium_browser.new_context()
    check = AccessibilityCheck(axe)
    check.watch(context)

    def serve(route: Route) -> None:
        body = SECOND if route.request.url.endswith("/two") else FIRST
        route.fulfill(status=200, content_type="text/html", body=body)

    context.route(f"{SITE}/**", serve)
    page = context.new_page()
    check.hold_navigations(page)
    page.goto(f"{SITE}/one", wait_until="commit")
    page.get_by_role("link", name="Two").click()  # before the first page's check has finished
    page.wait_for_url(f"{SITE}/two")
    check.wait_for(page)
    context.close()
    found = "\n".join(check.violations)
    assert "/one: image-alt (critical)" in found
    assert "/two: label (critical)" in found
    assert check.pages_checked == 2


def test_a_missing_axe_core_fails_with_the_command_that_installs_it(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(accessibility, "AXE_SOURCE", tmp_path / "node_modules" / "axe-core" / "axe.min.js")
    with pytest.raises(AssertionError, match="run `npm ci`"):
        accessibility.axe_source()
