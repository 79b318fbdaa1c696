"""The visa application life cycle, as the procedure reads.

The mission (or an accredited agency, over the API) takes the application in; screening
against every active watchlist starts at once and its worker moves the case on to review.
The consular officer decides, after every screening hit is adjudicated, the checklist is
verified and the fee paid. The referral rules (data) send some cases to HQ with the
officer's recommendation; HQ instructs and the case returns to the mission. An approved
visa is issued as a sticker or an e-visa; an issued one can later be revoked or cancelled.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from consular.offices.models import Office, Role
from consular.offices.scoping import SYSTEM_ROLE
from consular.workflow.transitions import CaseType, Transition, register
from visas import screening
from visas.models import Instruction, Status

S = Status
CASE_TYPE = "visa"
INTAKE = frozenset({Role.CLERK, Role.OFFICER, Role.SUPERVISOR})
DECIDES = frozenset({Role.OFFICER, Role.SUPERVISOR})
SENIOR = frozenset({Role.SUPERVISOR, Role.HQ_OFFICER})
HQ_STAFF = frozenset({Role.HQ_OFFICER})
SYSTEM = frozenset({SYSTEM_ROLE})
MISSION = frozenset({Office.Kind.MISSION})
HQ = frozenset({Office.Kind.HQ})
ANYWHERE = frozenset({Office.Kind.HQ, Office.Kind.MISSION})


# --- guards: None when the step may go ahead, else the reason a clerk reads ---------------

def screening_done(case):
    blockers = screening.blockers(case)
    return " ".join(str(blocker) for blocker in blockers) or None


def checklist_verified(case):
    missing = [str(item.get_code_display()) for item in case.visa_application.checklist_items.all()
               if not item.verified]
    if missing:
        return _("Not every document is verified: %(items)s.") % {"items": "; ".join(missing)}
    return None


def fee_paid(case):
    application = case.visa_application
    if application.fee_amount and not application.is_paid:
        return _("The fee has not been paid.")
    return None


def decided_here_or_instructed(case):
    """A case the referral rules give to HQ is approved only on HQ's instruction to issue."""
    from visas.referral import referral_reasons

    application = case.visa_application
    if application.instruction:
        if application.instruction != Instruction.ISSUE:
            return _("HQ instructed: %(instruction)s.") % {"instruction": application.get_instruction_display()}
        return None
    reasons = referral_reasons(application)
    if reasons:
        return _("HQ decides this case: %(reasons)s. Refer it with your recommendation.") % {
            "reasons": "; ".join(reasons)}
    return None


def instructed_to_refuse_or_refusable(case):
    application = case.visa_application
    if application.instruction == Instruction.ISSUE:
        return _("HQ instructed to issue the visa; ask HQ again before refusing.")
    return None


def has_recommendation(case):
    if not case.visa_application.recommendation:
        return _("Refer the case from its page, with your recommendation.")
    return None


def has_instruction(case):
    if not case.visa_application.instruction:
        return _("Answer the referral from the case page, with the instruction.")
    return None


def visa_recorded(case):
    if not hasattr(case.visa_application, "visa"):
        return _("Issue the visa from the case page, as a sticker or an e-visa.")
    return None


def to_hq(case, actor) -> Office:
    return Office.directory.get(kind=Office.Kind.HQ)


def back_to_originating_office(case, actor) -> Office:
    return case.originating_office


VISA = register(CaseType(
    code=CASE_TYPE,
    reference_prefix="V",
    label=_("Visa application"),
    statuses=Status,
    initial_status=S.SUBMITTED,
    # Business days at the office holding the case. Japan's missions aim at five working days
    # for a short-stay visa; screening is the worker's, minutes, and a day flags a stuck queue.
    sla={S.SUBMITTED: 1, S.SCREENING: 1, S.UNDER_REVIEW: 5, S.REFERRED: 10, S.INSTRUCTED: 2, S.APPROVED: 2},
    page="visas:application_detail",
    referral_statuses=frozenset({S.REFERRED}),
    answered_statuses=frozenset({S.INSTRUCTED}),
    transitions=(
        Transition("start_screening", (S.SUBMITTED,), S.SCREENING, roles=INTAKE | SYSTEM, office_kinds=ANYWHERE,
                   label=_("Start screening")),
        Transition("finish_screening", (S.SCREENING,), S.UNDER_REVIEW, roles=SYSTEM, office_kinds=ANYWHERE,
                   label=_("Screening finished")),
        Transition("refer", (S.UNDER_REVIEW,), S.REFERRED, roles=DECIDES, office_kinds=MISSION,
                   guards=(screening_done, has_recommendation), note_required=True, hand_over_to=to_hq,
                   label=_("Refer to HQ")),
        Transition("instruct", (S.REFERRED,), S.INSTRUCTED, roles=HQ_STAFF, office_kinds=HQ,
                   guards=(has_instruction,), note_required=True, hand_over_to=back_to_originating_office,
                   label=_("Instruct the mission")),
        Transition("approve", (S.UNDER_REVIEW, S.INSTRUCTED), S.APPROVED, roles=DECIDES, office_kinds=ANYWHERE,
                   guards=(screening_done, checklist_verified, fee_paid, decided_here_or_instructed),
                   label=_("Approve")),
        Transition("issue", (S.APPROVED,), S.ISSUED, roles=INTAKE, office_kinds=ANYWHERE, guards=(visa_recorded,),
                   closes=True, label=_("Issue the visa")),
        Transition("refuse", (S.UNDER_REVIEW, S.INSTRUCTED), S.REFUSED, roles=DECIDES, office_kinds=ANYWHERE,
                   guards=(screening_done, instructed_to_refuse_or_refusable), note_required=True, closes=True,
                   destructive=True, label=_("Refuse")),
        Transition("withdraw", (S.SUBMITTED, S.SCREENING, S.UNDER_REVIEW, S.INSTRUCTED, S.APPROVED), S.WITHDRAWN,
                   roles=INTAKE, office_kinds=ANYWHERE, note_required=True, closes=True, destructive=True,
                   label=_("Withdrawn by the applicant")),
        Transition("revoke", (S.ISSUED,), S.REVOKED, roles=SENIOR, office_kinds=ANYWHERE, guards=(visa_recorded,),
                   note_required=True, closes=True, destructive=True, label=_("Revoke the visa")),
        Transition("cancel", (S.ISSUED,), S.CANCELLED, roles=DECIDES | SENIOR, office_kinds=ANYWHERE,
                   guards=(visa_recorded,), note_required=True, closes=True, destructive=True,
                   label=_("Cancel the visa")),
    ),
))
