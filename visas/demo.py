"""Demo visa applications at every stage a mission's desk meets, for `make run`. Never for production.

New York: one under review (clean, half its documents checked), one whose applicant matches the
UN list with the hit still open, one referred to HQ, one approved and waiting to be issued, one
issued as an e-visa (so /verify has a real seal to check), one issued as a sticker, one refused.
London: one under review. Every step goes through the real actions; the screening task runs here,
synchronously, because Celery may not be running while the demo is loaded. Idempotent: nothing
is added once the demo has visa applications.

The UN list is the excerpt the screening tests use (tests/screening/data), imported only when no
edition of the UN list is there yet.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django_scopes import scopes_disabled

from consular.documents import demo as documents_demo
from consular.documents import mrz
from consular.identity.actions import create_person
from consular.identity.models import Person
from consular.offices.models import Membership
from consular.offices.scoping import Actor
from consular.screening import screening_actions, un_sc
from consular.screening.actions import import_watchlist
from consular.screening.models import ScreeningSubject, Watchlist
from visas import actions
from visas.models import Instruction, RefusalReason, Visa, VisaApplication, VisaCategory

UN_EXCERPT = Path(settings.BASE_DIR) / "tests" / "screening" / "data" / "un_sc_consolidated_excerpt.xml"

# key, clerk, office, family, given, sex, born (y, m, d), nationality, passport number, category, entries, stage
APPLICANTS = [
    ("review", "nyc_clerk", "NYC", "WANG", "LI NA", "F", (1988, 3, 14), "CHN", "EA1234567", "tourism", "single",
     "under_review"),
    ("listed", "nyc_clerk", "NYC", "KANG", "MYONG CHOL", "M", (1970, None, None), "PRK", "PD7654321", "business",
     "single", "hit"),
    ("referred", "nyc_clerk", "NYC", "SHARMA", "ANIL", "M", (1968, 11, 2), "IND", "Z1234567", "diplomatic",
     "multiple", "referred"),
    ("approved", "nyc_clerk", "NYC", "NGUYEN", "THI HOA", "F", (1995, 6, 30), "VNM", "C2345678", "tourism", "single",
     "approved"),
    ("evisa", "nyc_clerk", "NYC", "SANTOS", "MARIA CLARA", "F", (1990, 1, 22), "PHL", "P3456789A", "tourism",
     "multiple", "evisa"),
    ("sticker", "nyc_clerk", "NYC", "PETROV", "IVAN", "M", (1982, 9, 5), "RUS", "753456789", "business", "single",
     "sticker"),
    ("refused", "nyc_clerk", "NYC", "OKAFOR", "CHINEDU", "M", (1999, 4, 17), "NGA", "A04567890", "tourism", "single",
     "refused"),
    ("london", "london_clerk", "LON", "ZHANG", "WEI", "M", (1993, 12, 8), "CHN", "EB7654321", "tourism", "single",
     "under_review"),
]
PURPOSES = {
    "tourism": "Sightseeing in Tokyo and Kyoto",
    "business": "Meetings with a trading partner in Osaka",
    "diplomatic": "Accompanying the minister to a conference in Tokyo",
}
HOSTS = {"business": ("Kansai Trading Co., Ltd.", "1-2-3 Umeda, Kita-ku, Osaka", "business partner",
                      "+81 6 1234 5678")}


def _actor(username: str, office_code: str) -> Actor:
    membership = Membership.unscoped.select_related("office", "user").get(
        user__username=username, office__code=office_code
    )
    return Actor(office=membership.office, role=membership.role, user=membership.user, membership=membership)


def _passport_mrz(person: Person, number: str, expires: date) -> str:
    data = mrz.PassportData(
        document_code="P", issuing_state=person.nationalities[0], surname=person.family_name,
        given_names=person.given_names, number=number, nationality=person.nationalities[0], sex=person.sex,
        expiry_date=expires, birth_year=person.birth_year, birth_month=person.birth_month,
        birth_day=person.birth_day,
    )
    return "\n".join(mrz.td3_lines(data))


def _un_list(hq: Actor) -> None:
    """The UN list's excerpt, unless an edition of the UN list is already imported."""
    watchlist = Watchlist.objects.filter(code="un-sc").first()
    if watchlist is None or watchlist.imports.exists() or not UN_EXCERPT.exists():
        return
    content = UN_EXCERPT.read_bytes()
    edition = un_sc.read(content)
    import_watchlist(watchlist, edition.records, by=hq, edition=edition.generated,
                     source_sha256=hashlib.sha256(content).hexdigest(), file_format="un-sc",
                     file_name=UN_EXCERPT.name, unresolved_countries=edition.unresolved_countries)


def _screened(application: VisaApplication) -> VisaApplication:
    """Run the screening task's work now (it also runs from the queue later, finding the same and writing nothing).

    Its signal moves the case to review only after the outermost commit, so the demo moves it itself, as the
    signal's receiver does (once: the receiver then finds the case under review and changes nothing).
    """
    subject = ScreeningSubject.objects.get(case=application.case)
    screening_actions.screen(subject.pk)
    actions.screening_finished(application.case)
    return _fresh(application)


def _fresh(application: VisaApplication) -> VisaApplication:
    return VisaApplication.unscoped.select_related("case", "category", "passport").get(pk=application.pk)


def _check(application: VisaApplication, by: Actor, *, half: bool = False) -> VisaApplication:
    items = list(application.checklist_items.order_by("pk"))
    for item in items[: len(items) // 2] if half else items:
        application = _fresh(application)
        actions.verify_item(item, by=by, expected_version=application.version)
    if half:
        return _fresh(application)
    application = _fresh(application)
    if application.fee_amount:
        actions.record_payment(application, by=by, amount=application.fee_amount,
                               currency=application.fee_currency, expected_version=application.version)
    return _fresh(application)


def _approve(application: VisaApplication, officer: Actor) -> VisaApplication:
    actions.approve(application, by=officer, expected_version=application.case.version,
                    note="Documents in order; purpose and means established.")
    return _fresh(application)


def seed() -> None:
    with scopes_disabled():
        _seed()


@transaction.atomic
def _seed() -> None:
    if VisaApplication.unscoped.exists():
        return
    documents_demo.seed()  # the seal keys, for the e-visa (the documents demo makes them too)
    hq = _actor("hq_officer", "HQ")
    _un_list(hq)
    officer = _actor("nyc_officer", "NYC")
    for key, clerk_name, code, family, given, sex, (year, month, day), nationality, number, category, entries, stage \
            in APPLICANTS:
        clerk = _actor(clerk_name, code)
        person = Person.unscoped.filter(family_name=family, given_names=given).first() or create_person(
            by=clerk, family_name=family, given_names=given, sex=sex, birth_year=year, birth_month=month,
            birth_day=day, nationalities=[nationality],
        )
        today = clerk.office.local_today()
        host_name, host_address, host_relationship, host_phone = HOSTS.get(category, ("", "", "", ""))
        intake = actions.Intake(
            category=VisaCategory.objects.get(code=category), entries=entries, purpose=PURPOSES[category],
            arrival_on=today + timedelta(days=30), stay_days=14 if category != "diplomatic" else 30,
            passport_mrz=_passport_mrz(person, number, today + timedelta(days=5 * 365)),
            passport_issued_on=today - timedelta(days=2 * 365), host_name=host_name, host_address=host_address,
            host_relationship=host_relationship, host_phone=host_phone,
            itinerary="Arrive Narita; 6 nights Tokyo; 7 nights Kyoto; depart Kansai",
            photo=documents_demo.demo_photo(), note=f"Demo: {key}",
        )
        application = _screened(actions.submit_application(by=clerk, person=person, intake=intake))
        if stage == "under_review":
            _check(application, clerk, half=True)
            continue
        application = _check(application, clerk)
        if stage == "hit":
            continue  # the hit stays open: the officer adjudicates it
        if stage == "referred":
            actions.refer_to_hq(application, by=officer, recommendation=Instruction.ISSUE,
                                note="Delegation member; note verbale received and checked.",
                                expected_version=application.version)
            continue
        if stage == "refused":
            actions.refuse(application, by=officer, reason=RefusalReason.MEANS,
                           note="Bank statements do not cover the stay.", expected_version=application.case.version)
            continue
        application = _approve(application, officer)
        if stage == "evisa":
            actions.issue_visa(application, by=clerk, form=Visa.Form.EVISA, expected_version=application.case.version)
        elif stage == "sticker":
            actions.issue_visa(application, by=clerk, form=Visa.Form.STICKER,
                               expected_version=application.case.version)
