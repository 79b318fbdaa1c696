"""General enquiries: a citizen's question logged by a mission, answered there or referred to HQ.

The smallest real case type, declared the way every domain declares its own.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from consular.offices.models import Office, Role
from consular.workflow.transitions import CaseType, Transition, register


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    REFERRED = "referred", _("Referred to HQ")
    INSTRUCTED = "instructed", _("HQ has answered")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def to_hq(case, actor) -> Office:
    return Office.directory.get(kind=Office.Kind.HQ)


def back_to_originating_office(case, actor) -> Office:
    return case.originating_office


STAFF = frozenset({Role.CLERK, Role.OFFICER, Role.SUPERVISOR})
SENIOR = frozenset({Role.OFFICER, Role.SUPERVISOR})
LOCAL = frozenset({Office.Kind.MISSION, Office.Kind.PREFECTURE})
S = Status

ENQUIRY = register(CaseType(
    code="enquiry",
    reference_prefix="E",
    label=_("General enquiry"),
    statuses=Status,
    initial_status=S.RECEIVED,
    # Business days in the status, at the office holding the case: a referral is HQ's clock, and
    # HQ's answer starts the mission's clock again (2 days to take the work up).
    sla={S.RECEIVED: 2, S.IN_PROGRESS: 5, S.REFERRED: 3, S.INSTRUCTED: 2},
    # The answer has gone to the citizen: nothing is owed to anyone but closing the file.
    untimed=frozenset({S.ANSWERED}),
    referral_statuses=frozenset({S.REFERRED}),
    answered_statuses=frozenset({S.INSTRUCTED}),
    transitions=(
        Transition("start", (S.RECEIVED,), S.IN_PROGRESS, roles=STAFF, office_kinds=LOCAL, label=_("Start work")),
        Transition("refer_to_hq", (S.IN_PROGRESS,), S.REFERRED, roles=SENIOR, office_kinds=LOCAL,
                   note_required=True, hand_over_to=to_hq, label=_("Refer to HQ")),
        Transition("instruct", (S.REFERRED,), S.INSTRUCTED, roles=frozenset({Role.HQ_OFFICER}),
                   office_kinds=frozenset({Office.Kind.HQ}), note_required=True,
                   hand_over_to=back_to_originating_office, label=_("Answer the referral")),
        Transition("resume", (S.INSTRUCTED,), S.IN_PROGRESS, roles=STAFF, office_kinds=LOCAL,
                   label=_("Resume work")),
        Transition("answer", (S.IN_PROGRESS,), S.ANSWERED, roles=STAFF, office_kinds=LOCAL, note_required=True,
                   label=_("Record the answer")),
        Transition("close", (S.ANSWERED,), S.CLOSED, roles=STAFF, office_kinds=LOCAL, closes=True,
                   label=_("Close")),
        Transition("withdraw", (S.RECEIVED, S.IN_PROGRESS), S.WITHDRAWN, roles=STAFF, office_kinds=LOCAL,
                   note_required=True, closes=True, destructive=True, label=_("Withdrawn by the citizen")),
    ),
))
