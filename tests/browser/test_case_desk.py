"""The New York desk: a clerk takes a case a colleague also reached for, and a supervisor retries failed messages."""

from collections.abc import Iterator

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Browser, Page, expect

from consular.audit.models import AuditEntry
from consular.offices.models import Membership, Office
from consular.offices.scoping import Actor
from consular.workflow.actions import open_case
from consular.workflow.models import Case, OutboxMessage
from tests.browser.conftest import in_language, sign_in, staff_browser_page
from tests.identity.factories import PersonFactory

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def acting_in_new_york(username: str) -> Actor:
    """The demo member of staff at NYC (nyc_clerk also has a Bangkok posting, so pick the office)."""
    membership = Membership.unscoped.select_related("office", "user").get(user__username=username, office__code="NYC")
    return Actor(office=membership.office, role=membership.role, user=membership.user, membership=membership)


def enquiry_for(family_name: str, given_names: str) -> Case:
    """An enquiry a New York clerk opened earlier, for a person of their own office."""
    with scopes_disabled():
        person = PersonFactory(created_by_office=Office.directory.get(code="NYC"), family_name=family_name,
                               given_names=given_names)
        return open_case("enquiry", person=person, by=acting_in_new_york("nyc_clerk"), note="Asks about a visa.")


def assignee_on(page: Page):
    """The "Assigned to" entry of the case page's facts."""
    return page.locator("dl.facts > div").filter(has=page.get_by_text(ja("Assigned to"), exact=True)).locator("dd")


@pytest.fixture
def colleague_page(chromium_browser: Browser, site_url: str, demo, axe: str) -> Iterator[Page]:
    """A second member of staff at their own desk: a browser profile of their own, beside `staff_page`."""
    with staff_browser_page(chromium_browser, site_url, axe) as page:
        yield page


def test_clerk_takes_a_case_and_a_colleagues_stale_take_is_a_conflict(staff_page: Page, colleague_page: Page):
    page, supervisor_page = staff_page, colleague_page
    case = enquiry_for("KIMURA", "TARO")

    # The clerk finds the new enquiry in the office's queue; nobody has it yet.
    sign_in(page, "nyc_clerk")
    page.goto("/cases/")
    page.get_by_role("row").filter(has_text=case.reference).get_by_role("link", name=case.reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    expect(assignee_on(page)).to_contain_text("—")

    # Meanwhile their supervisor has the same case open, at the version before anyone took it.
    sign_in(supervisor_page, "nyc_supervisor")
    supervisor_page.goto(f"/cases/{case.reference}/")
    expect(supervisor_page.get_by_role("button", name=ja("Take this case"))).to_be_visible()

    page.get_by_role("button", name=ja("Take this case")).click()
    expect(page.get_by_role("status")).to_have_text(ja("The case is now assigned to you."))
    expect(assignee_on(page)).to_contain_text("Naomi Clark")  # by name, as colleagues know her
    expect(page.get_by_role("button", name=ja("Take this case"))).to_have_count(0)  # it is theirs already

    page.get_by_role("link", name=ja("Back to the queue")).click()
    page.get_by_role("navigation", name=ja("Work queues")).get_by_role("link", name=ja("My cases")).click()
    expect(page).to_have_url("/cases/mine/")
    mine = page.locator("main table tbody tr")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text(case.reference)
    expect(mine).to_contain_text("KIMURA TARO")

    # The supervisor's page is stale: their take is refused, and the page shows who has the case now.
    supervisor_page.get_by_role("button", name=ja("Take this case")).click()
    stale = ja("Someone else changed this case while you were looking; it is now assigned to %(name)s. "
               "Take it over only if you agreed that with them.") % {"name": "Naomi Clark"}
    expect(supervisor_page.get_by_role("alert")).to_contain_text(stale)
    expect(assignee_on(supervisor_page)).to_contain_text("Naomi Clark")
    # Taking it now would be a deliberate take-over, and the button says so.
    take_over = ja("Take over from %(name)s") % {"name": "Naomi Clark"}
    expect(supervisor_page.get_by_role("button", name=take_over)).to_be_visible()
    supervisor_page.goto("/cases/mine/")
    expect(supervisor_page.get_by_text(ja("No cases match."))).to_be_visible()

    case.refresh_from_db()
    assert (case.assignee.username, case.version, case.status) == ("nyc_clerk", 2, "received")
    taken = AuditEntry.unscoped.filter(object_id=str(case.pk), changes__has_key="assignee")
    assert list(taken.values_list("username", "changes")) == [("nyc_clerk", {"assignee": [None, "nyc_clerk"]})]


def failed(case: Case, error: str) -> OutboxMessage:
    """The case's "case opened" message, as the relay leaves it after its last attempt failed."""
    message = case.outbox.get()
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxMessage.State.FAILED, attempts=5, last_error=error)
    return message


SMTP_CLOSED = "SMTPServerDisconnected: Connection unexpectedly closed"
RELAY_TIMEOUT = "TimeoutError: mail relay did not answer"


def test_supervisor_retries_failed_messages_from_the_case_and_from_the_operations_page(staff_page: Page):
    page = staff_page
    first = enquiry_for("ISHII", "AKIRA")
    second = enquiry_for("MORITA", "EMI")
    with scopes_disabled():
        from_the_case = failed(first, SMTP_CLOSED)
        from_operations = failed(second, RELAY_TIMEOUT)

    sign_in(page, "nyc_supervisor")
    page.goto("/cases/")
    page.get_by_role("navigation", name=ja("Work queues")).get_by_role("link", name=ja("Failed messages")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Failed messages"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=first.reference)).to_contain_text(SMTP_CLOSED)
    expect(rows.filter(has_text=second.reference)).to_contain_text(RELAY_TIMEOUT)

    # The first one is retried from its case, where it is shown with its error too.
    rows.filter(has_text=first.reference).get_by_role("link", name=first.reference).click()
    failures = page.get_by_role("region", name=ja("Messages that could not be sent"))
    expect(failures).to_contain_text(SMTP_CLOSED)
    failures.get_by_role("button", name=f"{ja('Retry')} {ja('Case opened')} #{from_the_case.pk}", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(ja("Message %(id)s will be sent again.") % {"id": from_the_case.pk})
    # Tasks run in-process in the tests: the relay has already sent it by the time the page is back.
    expect(page.get_by_role("region", name=ja("Messages that could not be sent"))).to_have_count(0)

    # The second from the operations page, which is then empty.
    page.goto("/cases/operations/")
    expect(rows).to_have_count(1)
    rows.get_by_role("button", name=f"{ja('Retry')} {ja('Case opened')} #{from_operations.pk}", exact=True).click()
    expect(page).to_have_url("/cases/operations/")
    expect(page.get_by_role("status")).to_have_text(
        ja("Message %(id)s will be sent again.") % {"id": from_operations.pk})
    expect(page.get_by_text(ja("No failed messages."))).to_be_visible()

    for message in (from_the_case, from_operations):
        message.refresh_from_db()
        assert (message.state, message.attempts, message.last_error) == (OutboxMessage.State.DONE, 1, "")
    retried = AuditEntry.unscoped.filter(changes__state=["failed", "pending"])
    assert sorted(retried.values_list("username", "object_id")) == sorted(
        [("nyc_supervisor", str(from_the_case.pk)), ("nyc_supervisor", str(from_operations.pk))])
