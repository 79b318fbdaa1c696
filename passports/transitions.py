"""The passport application life cycle, as the procedure reads.

Take-in and checks at the mission or prefectural office; the decision by its consular
officer (a prefectural office's system decides for the prefecture); approved applications
go to HQ, which produces them in batches and dispatches each to the office where the
applicant collects it; handing it over closes the case. Official and diplomatic
passports are applied for and decided at HQ.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from consular.offices.models import Office, Role
from consular.offices.scoping import SYSTEM_ROLE
from consular.workflow.transitions import CaseType, Transition, register
from passports.models import ChecklistItem, ProductionBatch, Status

S = Status
CASE_TYPE = "passport"
INTAKE = frozenset({Role.CLERK, Role.OFFICER, Role.SUPERVISOR})
DECIDES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.HQ_OFFICER})
HQ_STAFF = frozenset({Role.HQ_OFFICER})
LOCAL = frozenset({Office.Kind.MISSION, Office.Kind.PREFECTURE})
ANYWHERE = frozenset({Office.Kind.HQ, Office.Kind.MISSION, Office.Kind.PREFECTURE})
HQ = frozenset({Office.Kind.HQ})


# --- guards: None when the step may go ahead, else the reason a clerk reads ---------------

def checklist_verified(case):
    items = case.passport_application.checklist_items.all()
    missing = [str(item.get_code_display()) for item in items if not item.verified]
    if missing:
        return _("Not every document is verified: %(items)s.") % {"items": "; ".join(missing)}
    return None


def fee_paid(case):
    if not case.passport_application.is_paid:
        return _("The fee has not been paid.")
    return None


def photo_accepted(case):
    application = case.passport_application
    if not application.photo:
        return _("There is no photo.")
    # .all(), not a filter: pages prefetch the checklist, and this reads it from there.
    photo_items = [item for item in application.checklist_items.all() if item.code == ChecklistItem.Code.PHOTO]
    if photo_items and not photo_items[0].verified:
        return _("The photo has not been checked against the applicant.")
    return None


def in_a_batch(case):
    batch = case.passport_application.batch
    if batch is None or batch.state != ProductionBatch.State.CREATED:
        return _("Applications go into production from the HQ production page, in a batch.")
    return None


def batch_cancelled(case):
    batch = case.passport_application.batch
    if batch is None or batch.state != ProductionBatch.State.CANCELLED:
        return _("Only a cancelled batch returns its applications to the queue.")
    return None


def batch_printed(case):
    batch = case.passport_application.batch
    if batch is None or batch.state != ProductionBatch.State.PRINTED:
        return _("The batch is dispatched from its page once it is printed.")
    return None


def identity_checked_at_the_desk(case):
    # passports.actions.collect_passport records the check, then fires this step.
    if case.passport_application.identity_checked_at is None:
        return _("Hand the passport over from the collection desk, where the applicant's identity is checked.")
    return None


# --- where the case goes ---------------------------------------------------------------

def to_hq(case, actor) -> Office:
    return Office.directory.get(kind=Office.Kind.HQ)


def to_collecting_office(case, actor) -> Office:
    return case.passport_application.collecting_office


PASSPORT = register(CaseType(
    code=CASE_TYPE,
    reference_prefix="P",
    label=_("Passport application"),
    statuses=Status,
    initial_status=S.SUBMITTED,
    sla={S.SUBMITTED: 2, S.UNDER_REVIEW: 5, S.APPROVED: 3, S.IN_PRODUCTION: 5, S.DISPATCHED: 10},
    # Waiting for the applicant to come: the hourly lapse task closes it after six months.
    untimed=frozenset({S.READY}),
    page="passports:application_detail",
    transitions=(
        Transition("start_review", (S.SUBMITTED,), S.UNDER_REVIEW, roles=INTAKE | DECIDES, office_kinds=ANYWHERE,
                   label=_("Start the review")),
        Transition("approve", (S.UNDER_REVIEW,), S.APPROVED, roles=DECIDES, office_kinds=ANYWHERE,
                   guards=(checklist_verified, photo_accepted, fee_paid), hand_over_to=to_hq,
                   label=_("Approve")),
        Transition("refuse", (S.UNDER_REVIEW,), S.REFUSED, roles=DECIDES, office_kinds=ANYWHERE,
                   note_required=True, closes=True, destructive=True, label=_("Refuse")),
        Transition("withdraw", (S.SUBMITTED, S.UNDER_REVIEW), S.WITHDRAWN, roles=INTAKE | DECIDES,
                   office_kinds=ANYWHERE, note_required=True, closes=True, destructive=True,
                   label=_("Withdrawn by the applicant")),
        Transition("start_production", (S.APPROVED,), S.IN_PRODUCTION, roles=HQ_STAFF, office_kinds=HQ,
                   guards=(in_a_batch,), label=_("Start production")),
        Transition("return_to_queue", (S.IN_PRODUCTION,), S.APPROVED, roles=HQ_STAFF, office_kinds=HQ,
                   guards=(batch_cancelled,), label=_("Return to the production queue")),
        Transition("dispatch", (S.IN_PRODUCTION,), S.DISPATCHED, roles=HQ_STAFF, office_kinds=HQ,
                   guards=(batch_printed,), hand_over_to=to_collecting_office, label=_("Dispatch")),
        Transition("receive", (S.DISPATCHED,), S.READY, roles=INTAKE, office_kinds=LOCAL | HQ,
                   label=_("Mark received, ready for collection")),
        Transition("hand_over", (S.READY,), S.ISSUED, roles=INTAKE, office_kinds=LOCAL | HQ,
                   guards=(identity_checked_at_the_desk,), closes=True, label=_("Hand over to the applicant")),
        Transition("lapse", (S.READY,), S.LAPSED, roles=frozenset({SYSTEM_ROLE}), office_kinds=ANYWHERE,
                   closes=True, destructive=True, label=_("Lapse (not collected within 6 months)")),
        Transition("cancel", (S.APPROVED, S.READY), S.CANCELLED,
                   roles=frozenset({Role.SUPERVISOR, Role.HQ_OFFICER}), office_kinds=ANYWHERE,
                   note_required=True, closes=True, destructive=True, label=_("Cancel")),
    ),
))
