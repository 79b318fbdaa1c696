"""A passport applied for by the Osaka prefectural system over REST, produced at HQ in the browser, collected in Osaka.

The prefecture's system talks HTTP to the live server, as it would in production. The
checklist and the payment have no REST endpoint (the prefecture records them on its own
side), so the test records them through `passports.actions`, as the prefecture's desk would.
"""

import base64
import json
import urllib.error
import urllib.request
import uuid

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.offices.demo import DEMO_API_TOKEN
from consular.offices.models import ApiClient, Office, Role
from consular.offices.scoping import Actor
from passports.models import PassportApplication
from tests.browser.conftest import in_language, sign_in
from tests.identity.factories import PersonFactory
from tests.passports.factories import complete_checklist, fee_schedule, passport_photo

pytestmark = pytest.mark.browser

APPLICATIONS = "/api/v1/passports/applications/"


def ja(message: str) -> str:
    return in_language("ja", message)


class PrefectureSystem:
    """The Osaka system: JSON over HTTP with its bearer token, an Idempotency-Key on every POST."""

    def __init__(self, site_url: str) -> None:
        self.site_url = site_url

    def call(self, method: str, path: str, body: dict | None = None, **headers: str) -> tuple[int, dict, dict]:
        headers = {"Authorization": f"Bearer {DEMO_API_TOKEN}", "Accept-Language": "en", **headers}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers |= {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
        # The live test server's own http:// address, never a URL from input.
        request = urllib.request.Request(self.site_url + path, data=data, method=method, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, dict(response.headers), json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), json.loads(error.read())

    def read(self, reference: str) -> tuple[dict, str]:
        status, headers, body = self.call("GET", f"{APPLICATIONS}{reference}/")
        assert status == 200, body
        return body, headers["ETag"]

    def post(self, reference: str, what: str, body: dict) -> dict:
        _current, etag = self.read(reference)
        status, _headers, answer = self.call("POST", f"{APPLICATIONS}{reference}/{what}/", body, **{"If-Match": etag})
        assert status == 200, answer
        return answer


def test_osaka_applies_over_rest_hq_produces_in_the_browser_and_osaka_hands_it_over(staff_page: Page, site_url):
    page = staff_page
    osaka_system = PrefectureSystem(site_url)
    with scopes_disabled():
        fee_schedule()
        osaka = Office.directory.get(code="OSA")
        person = PersonFactory(
            created_by_office=osaka,
            family_name="NISHIMURA",
            given_names="SAKURA",
            family_name_native="西村",
            given_names_native="さくら",
            birth_year=1992,
        )

    # Osaka's system submits the application and starts the review.
    status, headers, submitted = osaka_system.call(
        "POST",
        APPLICATIONS,
        {
            "person": person.pk,
            "kind": "new",
            "validity_years": 10,
            "photo": base64.b64encode(passport_photo()).decode(),
            "note": "Counter 2",
        },
    )
    assert status == 201, submitted
    reference = submitted["reference"]
    assert headers["Location"].endswith(f"{APPLICATIONS}{reference}/")
    assert osaka_system.post(reference, "transitions", {"transition": "start_review"})["status"] == "under_review"

    # The desk checks every document and takes the fee (no REST endpoint for these: through the actions).
    with scopes_disabled():
        application = PassportApplication.unscoped.get(case__reference=reference)
        client = ApiClient.unscoped.get(office=osaka, name="Osaka prefectural system")
        complete_checklist(application, Actor(office=osaka, role=Role.OFFICER, api_client=client))

    # Osaka's system approves: the case goes to HQ for production.
    approved = osaka_system.post(reference, "transitions", {"transition": "approve"})
    assert (approved["status"], approved["current_office"]) == ("approved", "HQ")

    # HQ puts it in a batch, marks the batch printed and dispatches it.
    sign_in(page, "hq_officer")
    page.goto("/passports/production/")
    page.get_by_label(reference).check()
    page.get_by_role("button", name=ja("Create a batch from the ticked applications")).click()
    page.wait_for_url("**/passports/batches/B-*/")
    expect(page.locator(".batch-state")).to_have_text(ja("Sent to the printer"))
    expect(page.get_by_role("main")).to_contain_text("NISHIMURA SAKURA")
    page.get_by_role("button", name=ja("Mark printed")).click()
    expect(page.locator(".batch-state")).to_have_text(ja("Printed"))
    page.get_by_role("button", name=ja("Dispatch"), exact=True).click()
    expect(page.locator(".batch-state")).to_have_text(ja("Dispatched"))

    # Osaka's system sees it on its way, marks it received and records the hand-over at the desk.
    dispatched, _etag = osaka_system.read(reference)
    assert (dispatched["status"], dispatched["current_office"]) == ("dispatched", "OSA")
    number = dispatched["passport_number"]
    assert number and dispatched["passport"]["mrz"][1].startswith(number)
    assert osaka_system.post(reference, "transitions", {"transition": "receive"})["status"] == "ready"
    osaka_system.post(reference, "collection", {"identity_evidence": "My Number card, photo matches"})

    issued, _etag = osaka_system.read(reference)
    assert (issued["status"], issued["passport_number"]) == ("issued", number)
    assert issued["collection"]["identity_evidence"] == "My Number card, photo matches"
    assert [event["transition"] for event in issued["history"]] == [
        "open",
        "start_review",
        "approve",
        "start_production",
        "dispatch",
        "receive",
        "hand_over",
    ]
