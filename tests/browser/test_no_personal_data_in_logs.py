"""No name, date of birth or document number reaches a URL or a log line, over a whole walk and a fuzz run.

The walk runs against the processes `make run` starts — Django's web server (which logs every
request line, query string included) and a Celery worker with its timers — each writing its
own log, on the test database. Every log they write, and every URL the browser asked for, is
then searched for what the walk typed and for the demo persons it showed.
"""

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django_scopes import scopes_disabled
from playwright.sync_api import Browser, Page, expect

from consular.documents.mrz import PassportData, td3_lines
from consular.identity.models import Person
from consular.offices.demo import DEMO_API_TOKEN, DEMO_PASSWORD, demo_code
from consular.payments import demo as payments_demo
from passports import demo as passport_demo
from tests.browser.conftest import TIMEOUT_MS, allow_code_reuse, in_language, sign_in, sign_out
from tests.services.conftest import test_database_url

pytestmark = pytest.mark.browser

# What the walk types or is shown: the demo applicant, a person recorded on the way, a document number.
SECRETS = ["SATO", "KENJI", "佐藤", "健二", "1990-05-17", "900517", "HOSHINO", "MAKOTO", "星野", "1975-08-30",
           "750830", "TZ7654321", "TK1234567"]


WALKERS = ("nyc_clerk", "auditor")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def running_system(demo, tmp_path) -> Iterator[tuple[str, list[Path]]]:
    """The web server and a worker with beat as `make run` starts them, each logging to its own file."""
    with scopes_disabled():
        payments_demo.seed()  # the rates passports are priced by, as seed_demo loads them first
        passport_demo.seed()
    # The tests hash passwords with MD5 for speed; the server process knows only the real hashers.
    for username in WALKERS:
        user = get_user_model().objects.get(username=username)
        user.password = PBKDF2PasswordHasher().encode(DEMO_PASSWORD, PBKDF2PasswordHasher().salt())
        user.save(update_fields=["password"])
    port = _free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        # Its own broker folders, media and beat schedule: a `make run` on this machine takes none of its tasks.
        "CONSULAR_VAR_DIR": str(tmp_path / "var"),
        "CELERY_BROKER_URL": "filesystem://",
    }
    environment.pop("CACHE_URL", None)
    commands = {
        "web": [sys.executable, "manage.py", "runserver", f"localhost:{port}", "--noreload"],
        "worker": [sys.executable, "-m", "celery", "-A", "consular", "worker", "--beat", "--loglevel=INFO",
                   "--pool=solo", "--without-mingle", "--without-gossip",
                   "--schedule", str(tmp_path / "celerybeat-schedule")],
    }
    logs, processes = [], []
    for name, command in commands.items():
        log = tmp_path / f"{name}.log"
        logs.append(log)
        with log.open("wb") as out:
            processes.append(subprocess.Popen(command, cwd=settings.BASE_DIR, env=environment, stdout=out,
                                              stderr=subprocess.STDOUT))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or processes[0].poll() is not None:
                    raise AssertionError(logs[0].read_text(errors="replace")) from None
                time.sleep(0.3)
        yield f"http://localhost:{port}", logs
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def _variants(secret: str) -> list[str]:
    """A secret as it would appear in a log line: as is, and percent- or plus-encoded in a URL."""
    return sorted({secret, quote(secret), quote_plus(secret), secret.lower()})


def _leaks(text: str) -> list[str]:
    found = []
    for secret in SECRETS:
        for variant in _variants(secret):
            # Whole words only: "SATO" inside an unrelated token would be noise, not a leak.
            if re.search(rf"(?<![A-Za-z0-9%]){re.escape(variant)}(?![A-Za-z0-9])", text):
                found.append(variant)
    return found


def test_a_walk_through_every_search_and_form_leaves_no_personal_data_in_urls_or_logs(
    chromium_browser: Browser, running_system
):
    base_url, logs = running_system
    context = chromium_browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo", base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS * 2)
    page: Page = context.new_page()
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    try:
        _walk(page)
    finally:
        context.close()

    _fuzz(base_url, logs[0].parent)

    leaked_urls = {url: _leaks(url) for url in asked if _leaks(url)}
    assert not leaked_urls, leaked_urls
    assert len(asked) > 30, "the walk went through the pages"
    time.sleep(2)  # let the worker log the relays of the walk's transitions
    for log in logs:
        text = log.read_text(errors="replace")
        assert text.strip(), f"{log.name} is empty: the process did not run"
        leaked_lines = [line for line in text.splitlines() if _leaks(line)]
        assert not leaked_lines, f"{log.name}: " + "\n".join(leaked_lines[:20])
    web_log = logs[0].read_text(errors="replace")
    assert '"POST /persons/ HTTP/1.1" 200' in web_log, "the web server logs every request line"
    assert '"POST /audit/ HTTP/1.1" 302' in web_log, "the audit search was POSTed, then shown under its id"


def _fuzz(base_url: str, folder: Path) -> None:
    """A short schemathesis run as the Osaka system: schema examples (with their names) and random data."""
    report = folder / "schemathesis.log"
    with report.open("wb") as out:
        done = subprocess.run(
            [str(Path(sys.executable).with_name("schemathesis")), "--config-file", ".ci/schemathesis.toml", "run",
             f"{base_url}/api/v1/schema/", "-H", f"Authorization: Bearer {DEMO_API_TOKEN}",
             "--phases", "examples,fuzzing", "--checks", "not_a_server_error", "--seed", "20262",
             "--max-examples", "3", "--workers", "1", "--no-color"],
            cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT, timeout=240, check=False,
        )
    summary = report.read_text(errors="replace")
    assert done.returncode == 0, summary[-4000:]
    assert "passed" in summary


def _walk(page: Page) -> None:
    sign_in(page, "nyc_clerk")

    # The persons page: search by name and date of birth, open the demo applicant.
    page.goto("/persons/")
    page.locator("#id_q").fill("SATO KENJI")
    page.locator("#id_date_of_birth").fill("1990-05-17")
    page.locator("main form[role=search] button[type=submit]").click()
    page.get_by_role("link", name="SATO KENJI").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SATO")

    # Record a new person.
    page.goto("/persons/new/")
    page.locator("#id_family_name").fill("HOSHINO")
    page.locator("#id_given_names").fill("MAKOTO")
    page.locator("#id_family_name_native").fill("星野")
    page.locator("input[name=sex][value=M]").check()  # radios, none chosen for the clerk
    page.locator("#id_birth_year").fill("1975")
    page.locator("#id_birth_month").fill("8")
    page.locator("#id_birth_day").fill("30")
    page.locator("#id_nationalities").fill("JPN")
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("HOSHINO")
    with scopes_disabled():
        hoshino = Person.unscoped.get(family_name="HOSHINO")

    # Passport intake: find the applicant, open the form for him.
    page.goto("/passports/new/")
    page.locator("#id_q").fill("SATO KENJI")
    page.locator("main form[role=search] button[type=submit]").click()
    page.locator(f"a[href$='?person={Person.unscoped.get(family_name='SATO').pk}']").first.click()
    expect(page.locator("#id_kind")).to_be_visible()

    # An enquiry for the person just recorded.
    page.goto("/cases/new/enquiry/")
    page.locator("#id_q").fill("HOSHINO MAKOTO")
    page.locator("main form[role=search] button[type=submit]").click()
    page.locator(f"a[href$='?person={hoshino.pk}']").first.click()
    page.locator("#id_note").fill("Asks how to register his residence abroad.")
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("E-")

    # The MRZ check with the demo applicant's passport lines, and a loss report lookup that misses.
    line1, line2 = td3_lines(PassportData(
        document_code="P", issuing_state="JPN", surname="SATO", given_names="KENJI", number="TZ7654321",
        nationality="JPN", birth_date=date(1990, 5, 17), sex="M", expiry_date=date(2031, 5, 16),
    ))
    page.goto("/passports/mrz/")
    page.locator("#id_mrz").fill(f"{line1}\n{line2}")
    page.locator("main form button[type=submit]").last.click()
    page.goto("/passports/lost/")
    page.locator("#id_number").fill("TK1234567")
    page.locator("#id_family_name").fill("SATO")
    page.locator("#id_date_of_birth").fill("1990-05-17")
    page.locator("input[name=kind]").first.check()
    page.locator("#id_circumstances").fill("Lost on the subway.")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator("main")).to_be_visible()
    sign_out(page)

    # An auditor searches the audit log for the name the clerk looked up, and exports what it found.
    sign_in(page, "auditor")
    page.goto("/audit/")
    page.get_by_label(in_language("ja", "Who or what")).fill("SATO")
    page.get_by_role("button", name=in_language("ja", "Search"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/audit/\?search=[\w-]+$"))
    expect(page.locator("main table tbody tr").first).to_be_visible()
    page.get_by_role("button", name=in_language("ja", "Export these entries as CSV")).click()
    allow_code_reuse("auditor")
    page.get_by_label(in_language("ja", "Password")).fill(DEMO_PASSWORD)
    page.get_by_label(in_language("ja", "Code")).fill(demo_code("auditor"))
    page.get_by_role("button", name=in_language("ja", "Continue")).click()
    with page.expect_download() as download:
        page.get_by_role("button", name=in_language("ja", "Export these entries as CSV")).click()
    assert "SATO" in Path(download.value.path()).read_text(encoding="utf-8")
    sign_out(page)
