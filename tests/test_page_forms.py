"""Every form on every page, as the staff who use it: what a clerk sees before and after a failed submit.

The pages are the URL matrix's (tests/test_url_matrix.py), so a new page is checked as soon as it
has its row. For each page a member of staff may open:

- no required choice is made for the clerk: a required <select> either marks the option the
  office chose on purpose (`selected`) or starts with an empty "choose" option, since a browser
  otherwise submits its first option unseen (the new-person form once recorded every person as
  female this way);
- every form in <main> with a required field, sent back empty, answers with the error summary
  at the top of the page, and each of the summary's links names an element of that page (the
  field it is about), with nothing saved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import reverse

from consular.audit.models import AuditEntry
from consular.identity.models import IdentityDocument, Person
from consular.workflow.models import Case, CaseEvent
from tests.test_url_matrix import CAST, EXPECTED, cast_clients, objects  # noqa: F401 (fixtures)

STAFF = ("nyc_clerk", "nyc_supervisor", "hq_officer")


@dataclass
class Control:
    tag: str
    name: str
    type: str = ""
    value: str = ""
    required: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected) of a <select>


@dataclass
class Form:
    method: str
    action: str
    controls: list[Control] = field(default_factory=list)


class Page(HTMLParser):
    """The forms inside <main>, every id, and the error summary's links."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.ids: set[str] = set()
        self.summary_links: list[str] = []
        self.has_summary = False
        self._in_main = self._in_summary = False
        self._form: Form | None = None
        self._select: Control | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.add(attributes["id"])
        if tag == "main":
            self._in_main = True
        if "data-error-summary" in attributes:
            self.has_summary = self._in_summary = True
        if self._in_summary and tag == "a":
            self.summary_links.append(attributes.get("href", ""))
        if not self._in_main:
            return
        if tag == "form":
            self._form = Form(attributes.get("method", "get").lower(), attributes.get("action", ""))
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "textarea", "select", "button"):
            control = Control(tag, attributes.get("name", ""), attributes.get("type", "").lower(),
                              attributes.get("value", ""), "required" in attributes)
            self._form.controls.append(control)
            if tag == "select":
                self._select = control
        elif self._select is not None and tag == "option":
            self._select.options.append((attributes.get("value", ""), "selected" in attributes))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "div" and self._in_summary:
            self._in_summary = False
        elif tag == "main":
            self._in_main = False


def _html(response) -> str:
    if "text/html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode()


def staff_pages():
    """(member, URL name, kwargs key) of every HTML page the matrix lets a member of staff open."""
    for entry in EXPECTED:
        if entry.name.startswith(("api", "passports_api", "otp_webauthn", "passkey")) or entry.name in (
            "health", "set_language"
        ):
            continue
        for member, outcome in zip(CAST, entry.outcomes, strict=True):
            if member in STAFF and outcome == 200:
                yield member, entry


def _url(entry, objects) -> str:  # noqa: F811 (the fixture's value)
    return reverse(entry.name, kwargs=objects[entry.kwargs] if entry.kwargs else {})


def _saved() -> tuple[int, ...]:
    return (Person.unscoped.count(), IdentityDocument.unscoped.count(), Case.unscoped.count(),
            CaseEvent.objects.count())


def test_no_page_chooses_a_required_option_for_the_clerk(cast_clients, objects):  # noqa: F811
    preselected = []
    for member, entry in staff_pages():
        url = _url(entry, objects)
        page = Page(_html(cast_clients[member].get(url)))
        for form in page.forms:
            for control in form.controls:
                if control.tag != "select" or not control.required or not control.options:
                    continue
                chosen = any(selected for _value, selected in control.options)
                if not chosen and control.options[0][0] != "":
                    preselected.append(f"{url} ({member}): <select name={control.name}>")
    assert not preselected, "required choices the browser would make unseen: " + "; ".join(preselected)


def test_every_form_sent_back_empty_shows_the_error_summary_linking_to_its_fields(cast_clients, objects):  # noqa: F811
    checked, problems = 0, []
    for member, entry in staff_pages():
        url = _url(entry, objects)
        client = cast_clients[member]
        page = Page(_html(client.get(url)))
        for form in page.forms:
            visible = [c for c in form.controls if c.tag != "button" and c.type not in ("hidden", "submit")]
            if form.method != "post" or not any(control.required for control in visible):
                continue
            data = {c.name: c.value for c in form.controls if c.type == "hidden" and c.name}
            # The form's main button, as Enter would press it; a named one only if there is no plain one.
            buttons = [c for c in form.controls if c.tag == "button" and c.type in ("", "submit")]
            if buttons and buttons[0].name:
                data[buttons[0].name] = buttons[0].value
            before, audit_before = _saved(), AuditEntry.objects.exclude(action=AuditEntry.Action.READ).count()
            response = client.post(form.action or url, data)
            where = f"{form.action or url} ({member}, from {url})"
            checked += 1
            if response.status_code not in (400, 409) or "text/html" not in response["Content-Type"]:
                problems.append(f"{where}: an empty submission answered {response.status_code}")
                continue
            answer = Page(_html(response))
            if not answer.has_summary:
                problems.append(f"{where}: no error summary")
            problems += [f"{where}: the summary links to {link}, which is not on the page"
                         for link in answer.summary_links if link.lstrip("#") not in answer.ids]
            if (_saved(), AuditEntry.objects.exclude(action=AuditEntry.Action.READ).count()) != (before, audit_before):
                problems.append(f"{where}: an empty submission saved something")
    assert checked > 10, f"only {checked} forms were checked: is the page walk broken?"
    assert not problems, "\n".join(problems)
