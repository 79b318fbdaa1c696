"""Searching and exporting the audit log: what was searched for (often a name) never appears in a URL."""

import csv
import io
import json
import re
from html.parser import HTMLParser
from urllib.parse import unquote_plus

import pytest

from consular.audit.actions import Action, record
from consular.audit.models import AuditEntry
from tests.accounts.test_security import reauthenticated

LIST, EXPORT = "/audit/", "/audit/export.csv"
NAME = "SATO HANAKO"


class _Links(HTMLParser):
    """Every URL a page links, submits or loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.urls += [value for name, value in attrs if name in {"href", "action", "src", "formaction"} and value]


def urls_in(response) -> list[str]:
    parser = _Links()
    parser.feed(response.content.decode())
    return parser.urls


def assert_no_search_text(*urls: str) -> None:
    for url in urls:
        readable = unquote_plus(unquote_plus(url)).upper()
        assert "SATO" not in readable and "HANAKO" not in readable, url


@pytest.fixture
def sixty_entries_about_sato(db):
    for number in range(60):
        record(by=None, username=f"clerk{number}", action=Action.READ, object_repr=NAME)
    record(by=None, username="someone", action=Action.READ, object_repr="TANAKA YUKI")


def test_a_search_is_posted_and_the_result_has_an_opaque_link(signed_in, auditor, sixty_entries_about_sato):
    client = signed_in(auditor)
    response = client.post(LIST, {"text": NAME})
    assert response.status_code == 302
    assert re.fullmatch(r"/audit/\?search=[\w-]{16}", response["Location"])
    assert_no_search_text(response["Location"])

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 60
    assert {view.entry.object_repr for view in page.context["entries"]} == {NAME}
    assert page.context["form"]["text"].value() == NAME  # kept in the form, where it was typed
    assert_no_search_text(*urls_in(page))
    assert page["Cache-Control"] == "no-store, private"


def test_the_next_page_keeps_the_search_with_only_its_id_in_the_link(signed_in, auditor, sixty_entries_about_sato):
    client = signed_in(auditor)
    first = client.get(client.post(LIST, {"text": NAME})["Location"])
    next_link = next(url for url in urls_in(first) if "page=2" in url)
    assert_no_search_text(next_link)
    second = client.get(f"{LIST}{next_link}")
    assert second.context["page"].number == 2
    assert len(second.context["entries"]) == 10
    assert {view.entry.object_repr for view in second.context["entries"]} == {NAME}


def test_the_same_search_twice_gets_the_same_link(signed_in, auditor, sixty_entries_about_sato):
    client = signed_in(auditor)
    assert client.post(LIST, {"text": NAME})["Location"] == client.post(LIST, {"text": NAME})["Location"]
    assert client.post(LIST, {"text": "TANAKA"})["Location"] != client.post(LIST, {"text": NAME})["Location"]


def test_a_search_in_the_query_string_is_refused_and_filters_nothing(signed_in, auditor, sixty_entries_about_sato):
    response = signed_in(auditor).get(LIST, {"text": NAME}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "never in a link" in response.content.decode()
    assert list(response.context["entries"]) == []


def test_a_search_id_of_another_session_is_a_clear_400(signed_in, auditor, sixty_entries_about_sato):
    location = signed_in(auditor).post(LIST, {"text": NAME})["Location"]
    response = signed_in(auditor).get(location, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "no longer available" in response.content.decode()
    assert list(response.context["entries"]) == []


def test_a_bad_search_is_a_400_with_the_errors_and_no_redirect(signed_in, auditor, db):
    response = signed_in(auditor).post(LIST, {"text": NAME, "since": "yesterday"})
    assert response.status_code == 400
    assert response.context["form"].errors["since"]


def test_only_auditors_search_or_export_and_nobody_else_is_asked_for_a_password(signed_in, hq_admin, nyc_clerk, db):
    for member in (hq_admin, nyc_clerk):
        client = signed_in(member)
        assert client.post(LIST, {"text": NAME}).status_code == 403
        assert client.post(EXPORT).status_code == 403


def test_export_is_posted_and_its_reauthentication_comes_back_to_the_search(
    signed_in, auditor, sixty_entries_about_sato
):
    client = signed_in(auditor)
    location = client.post(LIST, {"text": NAME})["Location"]
    search_id = location.split("=")[1]
    assert client.get(EXPORT).status_code == 405
    response = client.post(EXPORT, {"search": search_id})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/reauthenticate/?next=%2Faudit%2F%3Fsearch%3D{search_id}"
    assert_no_search_text(response["Location"])
    assert not AuditEntry.unscoped.filter(action=Action.EXPORT).exists()


def test_export_writes_the_searched_entries_with_changes_as_json(signed_in, auditor, nyc_clerk, nyc):
    record(by=None, username="nyc_clerk", action=Action.UPDATE, object_repr=NAME,
           changes={"sex": [None, "F"], "family_name": ["SATOU", "SATO"]})
    record(by=None, username="nyc_clerk", action=Action.READ, object_repr="TANAKA YUKI")
    client = reauthenticated(signed_in(auditor))
    search_id = client.post(LIST, {"text": "SATO"})["Location"].split("=")[1]
    response = client.post(EXPORT, {"search": search_id})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["object"] for row in rows] == [NAME]
    assert json.loads(rows[0]["changes"]) == {"family_name": ["SATOU", "SATO"], "sex": [None, "F"]}


def test_the_exports_own_entry_records_the_search_but_no_url(signed_in, auditor, sixty_entries_about_sato):
    client = reauthenticated(signed_in(auditor))
    search_id = client.post(LIST, {"text": NAME, "action": "read"})["Location"].split("=")[1]
    b"".join(client.post(EXPORT, {"search": search_id}).streaming_content)
    export = AuditEntry.unscoped.get(action=Action.EXPORT)
    assert export.object_repr == "audit log export"
    assert export.changes == {"search.text": [None, NAME], "search.action": [None, "read"]}


def test_exporting_without_a_search_exports_everything(signed_in, auditor, sixty_entries_about_sato):
    client = reauthenticated(signed_in(auditor))
    rows = list(csv.reader(io.StringIO(b"".join(client.post(EXPORT).streaming_content).decode())))
    assert len(rows) == 1 + 61 + 1  # the header, the entries, and the export's own entry first


def test_a_cell_that_would_run_as_a_spreadsheet_formula_is_written_as_text(signed_in, auditor, db):
    record(by=None, username="x", action=Action.READ, object_repr='=HYPERLINK("http://evil.example")')
    client = reauthenticated(signed_in(auditor))
    rows = list(csv.DictReader(io.StringIO(b"".join(client.post(EXPORT).streaming_content).decode())))
    assert rows[-1]["object"] == '\'=HYPERLINK("http://evil.example")'
