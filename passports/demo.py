"""Demo fee schedule, exchange rates, a number series and applications at every desk's stage, for `make run`.

Never for production. New York has one to check, one to decide, one waiting at HQ, one on its
way back and one ready for collection; Osaka one to check and one on its way. Every step goes through the real actions.
"""

from datetime import date, timedelta

from django.db import transaction
from django_scopes import scope

from consular.documents.demo import demo_photo
from consular.identity.actions import create_person
from consular.identity.models import Person
from consular.offices.models import ApiClient, Membership, Office, Role
from consular.offices.scoping import Actor
from consular.workflow.actions import fire
from consular.workflow.models import Case
from passports.actions import (
    create_batch,
    dispatch_batch,
    mark_batch_printed,
    receive_shipment,
    record_payment,
    submit_application,
    verify_item,
)
from passports.models import ChecklistItem, Fee, NumberSeries, PassportApplication, PassportType

SCHEDULE_FROM = date(2025, 4, 1)
# Ordinary passports (Passport Act fees incl. the consular part): 10 years ¥16,000; 5 years ¥11,000,
# under 12 ¥6,000. Official and diplomatic passports carry no fee.
FEES = [
    (PassportType.ORDINARY, 10, 18, None, 16_000),
    (PassportType.ORDINARY, 5, 12, None, 11_000),
    (PassportType.ORDINARY, 5, 0, 11, 6_000),
    (PassportType.OFFICIAL, 5, 0, None, 0),
    (PassportType.DIPLOMATIC, 5, 0, None, 0),
]
# username, family, given, native family, native given, sex, born, office taking the application, how far it got
APPLICANTS = [
    ("nyc_clerk", "SATO", "KENJI", "佐藤", "健二", "M", (1990, 5, 17), "NYC", "submitted"),
    ("osaka_clerk", "NAKAMURA", "YUI", "中村", "結衣", "F", (2001, 2, 9), "OSA", "submitted"),
    ("nyc_clerk", "TANAKA", "YUKI", "田中", "由紀", "F", (1985, 8, 3), "NYC", "under_review"),
    ("nyc_clerk", "ITO", "HIROSHI", "伊藤", "博", "M", (1979, 12, 24), "NYC", "approved"),
    ("nyc_clerk", "WATANABE", "AYA", "渡辺", "彩", "F", (1994, 4, 18), "NYC", "dispatched"),
    ("osaka_clerk", "KOBAYASHI", "REN", "小林", "蓮", "M", (2003, 10, 1), "OSA", "dispatched"),
    ("nyc_clerk", "YOSHIDA", "MAI", "吉田", "舞", "F", (1996, 6, 28), "NYC", "ready"),
]
# Who decides at each office: the officer at a mission, the clerk's own office system at a prefecture.
DECIDER = {"NYC": "nyc_officer", "OSA": None}


def _actor(username: str, office_code: str) -> Actor:
    membership = Membership.unscoped.select_related("office", "user").get(
        user__username=username, office__code=office_code
    )
    return Actor(office=membership.office, role=membership.role, user=membership.user, membership=membership)


@transaction.atomic
def seed() -> None:
    for passport_type, years, min_age, max_age, amount in FEES:
        Fee.objects.get_or_create(passport_type=passport_type, validity_years=years, min_age=min_age,
                                  effective_from=SCHEDULE_FROM, defaults={"max_age": max_age, "amount_jpy": amount})
    NumberSeries.objects.get_or_create(prefix="TZ")
    if PassportApplication.unscoped.exists():
        return
    to_dispatch, to_receive = [], []
    for username, family, given, family_native, given_native, sex, (year, month, day), code, stage in APPLICANTS:
        by = _actor(username, code)
        person = Person.unscoped.filter(family_name=family, given_names=given).first() or create_person(
            by=by, family_name=family, given_names=given, family_name_native=family_native,
            given_names_native=given_native, sex=sex, birth_year=year, birth_month=month, birth_day=day,
            nationalities=["JPN"],
        )
        application = submit_application(by=by, person=person, kind="new", validity_years=10,
                                         collecting_office=Office.directory.get(code=code), photo=demo_photo())
        if stage == "submitted":
            continue
        case = application.case
        fire(case, "start_review", by=by, expected_version=case.version)
        _checked_and_paid(application, by)
        if stage == "under_review":
            continue
        decider = _actor(DECIDER[code], code) if DECIDER[code] else _prefecture_system(code)
        case.refresh_from_db()
        fire(case, "approve", by=decider, expected_version=case.version)
        if stage in ("dispatched", "ready"):
            to_dispatch.append(application.pk)
        if stage == "ready":
            to_receive.append((application.case_id, username, code))
    if to_dispatch:
        hq = _actor("hq_officer", "HQ")
        with scope(actor=hq):  # the production queue is read as HQ reads it
            batch = create_batch(by=hq, application_ids=to_dispatch)
            batch = mark_batch_printed(batch, by=hq, expected_version=batch.version)
            dispatch_batch(batch, by=hq, expected_version=batch.version)
    for case_id, username, code in to_receive:
        by = _actor(username, code)
        with scope(actor=by):
            receive_shipment([Case.objects.get(pk=case_id)], by=by)


def _prefecture_system(code: str) -> Actor:
    """A prefectural office decides through its own system, an API client acting as its officer."""
    client = ApiClient.unscoped.select_related("office").filter(office__code=code).first()
    return Actor(office=client.office, role=Role.OFFICER, api_client=client)


def _checked_and_paid(application: PassportApplication, by: Actor) -> None:
    """Every document of the checklist verified and the fee paid, as a clerk does at the desk."""
    for item in application.checklist_items.all():
        application.refresh_from_db()
        dated = None
        if item.code == ChecklistItem.Code.FAMILY_REGISTER:
            dated = application.applied_on - timedelta(days=30)
        verify_item(item, by=by, expected_version=application.version, document_dated=dated)
    application.refresh_from_db()
    record_payment(application, by=by, amount=application.fee_amount, currency=application.fee_currency,
                   expected_version=application.version)
