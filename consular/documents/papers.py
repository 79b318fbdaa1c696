"""The papers a clerk hands to an applicant (receipts, acknowledgements, visa notices and letters).

Each is a print-ready A4 page (templates/paper.html) in the language the applicant chooses
(`?lang=`), whatever the clerk's own: the page's controls stay in the clerk's language and the
paper is rendered under `translation.override`. A paper shows personal data, so each domain
reads it through the same scoped fetch as the page it is linked from (another office's is a
404), audits each print (`audit_paper`), and it is never cached (`render_paper`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consular.audit.actions import Action, describe_change, record
from consular.identity.models import Person
from consular.offices.models import Office
from consular.offices.scoping import Actor

# Every domain's papers by code, with their titles: the audit log's "paper" change names them.
PAPER_TITLES: dict[str, str] = {}


def register_papers(choices: Iterable[tuple[str, str]]) -> None:
    PAPER_TITLES.update(choices)


describe_change("paper", gettext_lazy("paper printed for the applicant"),
                values=lambda code: PAPER_TITLES.get(code, code))
describe_change("reference", gettext_lazy("reference on the paper"), model="identity.person")
describe_change("language", gettext_lazy("language of the paper"), values=dict(settings.LANGUAGES))


def paper_language(request: HttpRequest) -> str | None:
    """The applicant's choice (`?lang=ja|en`), else the clerk's language; None for a language we do not print."""
    wanted = request.GET.get("lang", "") or translation.get_language()
    return wanted if wanted in dict(settings.LANGUAGES) else None


def refuse_language() -> HttpResponse:
    return HttpResponseBadRequest(_("Papers are printed in Japanese or English."), content_type="text/plain")


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str  # in that language, as a switch between languages is labelled
    current: bool


def render_paper(
    request: HttpRequest, template: str, context: dict, *, paper: str, office: Office, language: str, back: str
) -> HttpResponse:
    """The paper in `language` (body) inside the clerk's page (controls), never cached."""
    choices = [
        LanguageChoice(code, translation.get_language_info(code)["name_local"], code == language)
        for code, _name in settings.LANGUAGES
    ]
    with translation.override(language):
        # Dates and the office's name and address in the paper's language, in the office's time zone.
        context = context | {
            "paper_title": str(PAPER_TITLES[paper]),
            "office_name": office.name,
            "office_address": office.address,
            "now": timezone.now(),
        }
    context |= {"paper": paper, "paper_language": language, "office": office, "languages": choices, "back": back}
    response = render(request, template, context)
    response["Cache-Control"] = "no-store, private"
    return response


def audit_paper(request: HttpRequest, actor: Actor, person: Person, paper: str, language: str, reference: str) -> None:
    record(by=actor, action=Action.READ, target=person, request=request,
           changes={"paper": [None, paper], "reference": [None, reference], "language": [None, language]})


def applicant_on_paper(person: Person) -> dict:
    return {
        "name": f"{person.family_name} {person.given_names}".strip(),
        "name_native": f"{person.family_name_native} {person.given_names_native}".strip(),
        "born": person.date_of_birth_display,
    }
