"""The case life cycle shared by every domain: cases, their events, the outbox, references."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consular.offices.scoping import Actor, OfficeScopedManager, ScopedQuerySet
from consular.paging import NEVER_DUE

OPEN = Q(closed_at__isnull=True)


class CaseQuerySet(ScopedQuerySet):
    def visible_to(self, actor: Actor | None) -> "CaseQuerySet":
        """A case is visible at the office holding it and at every office that held it before.

        So a mission that referred a case to HQ still reads what it sent, and HQ sees all.
        Every such office has a `CaseAccess` row, the holding one included (see CaseAccess), so
        the rows are those with an access row, which consular/workflow/listing.py reads from one
        index. The `current_office` arm adds no row; it is kept because it lets PostgreSQL size
        an office's queue (which filters on current_office too) and read it in index order:
        with the access row alone it guesses one row and sorts the office's whole history.
        """
        if actor is None:
            return self.none()
        if actor.sees_all_offices:
            return self
        held_before = CaseAccess.objects.filter(case=OuterRef("pk"), office=actor.office.pk)
        return self.filter(Q(current_office=actor.office.pk) | Exists(held_before))

    def open(self) -> "CaseQuerySet":
        return self.filter(OPEN)


class Case(models.Model):
    """One application, registration or enquiry: it moves only by `consular.workflow.actions.fire`."""

    reference = models.CharField(_("reference"), max_length=32, unique=True)
    case_type = models.CharField(_("case type"), max_length=32)
    person = models.ForeignKey(
        "identity.Person", on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    # No index of its own: the queue indexes below all start with it.
    current_office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", db_index=False, verbose_name=_("current office")
    )
    originating_office = models.ForeignKey(
        "offices.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("originating office")
    )
    status = models.CharField(_("status"), max_length=32)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("assignee"),
    )
    submitted_at = models.DateTimeField(_("submitted"))
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Bumped by every transition and by domain actions that change the case's own rows, so an
    # office system can ask "what changed since" with one indexed range read.
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = OfficeScopedManager.from_queryset(CaseQuerySet)()
    unscoped = models.Manager.from_queryset(CaseQuerySet)()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # An office's cases in one status, newest or oldest first, and its counts by status.
            models.Index(fields=["current_office", "status", "-submitted_at", "-id"], name="case_queue"),
            # HQ's list and the API list newest first: read in index order, stop after a page.
            models.Index(fields=["-submitted_at", "-id"], name="case_newest"),
            # An office's queue in each of its orders (workflow.forms.QueueForm.SORTS), read in index order and
            # stopped after a page, however many cases the other offices hold (bench/case_list.py) …
            models.Index(fields=["current_office", "-submitted_at", "-id"], name="case_office_newest"),
            models.Index(F("current_office"), Coalesce("due_at", Value(NEVER_DUE)), F("id"), name="case_office_due"),
            # … and its open cases alone (the queue's default) in each, without walking its closed history.
            models.Index(fields=["current_office", "-submitted_at", "-id"], name="case_office_open_newest",
                         condition=OPEN),
            models.Index(F("current_office"), Coalesce("due_at", Value(NEVER_DUE)), F("id"),
                         name="case_office_open_due", condition=OPEN),
            models.Index(fields=["current_office", "reference", "id"], name="case_office_open_reference",
                         condition=OPEN),
            models.Index(fields=["case_type", "status"], name="case_type_status"),
            models.Index(fields=["case_type", "updated_at", "id"], name="case_changed"),
            models.Index(fields=["due_at"], name="case_due", condition=OPEN),
        ]

    def __str__(self) -> str:
        return self.reference

    def timeline(self) -> list[dict]:
        """The events, oldest first, in the reader's language: what workflow/includes/timeline.html shows.

        Events store codes and usernames (true whatever the language, and searchable); the step,
        statuses and role come from the case type and roles, and people by name, at display time.
        """
        from consular.offices.staff import role_label, staff_names
        from consular.workflow.transitions import case_type_of

        case_type = case_type_of(self)
        events = list(self.events.select_related("from_office", "to_office"))
        names = staff_names(event.username for event in events)
        return [
            {"event": event, "step": case_type.step_label(event.transition),
             "from_label": case_type.status_label(event.from_status) if event.from_status else "",
             "to_label": case_type.status_label(event.to_status),
             "who": names.get(event.username), "role": role_label(event.role)}
            for event in events
        ]


class CaseAccess(models.Model):
    """An office that holds or held the case, and so reads it: `CaseQuerySet.visible_to` is "has a row".

    `open_case` writes the opening office's row and each hand-over (`fire`, `fire_many`) the
    receiving office's, so the office holding a case always has one, and keeps it after
    handing the case over. The case's `submitted_at`, which never changes, is copied here so
    that an office's newest cases are read in order from one index, at the same cost for an
    office with a thousand cases as for one with a million (bench/case_list.py).
    """

    # No index of their own: case_access_once starts with the case, case_access_newest with the office.
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access", db_index=False)
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+", db_index=False)
    submitted_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "office"], name="case_access_once")]
        indexes = [models.Index(fields=["office", "-submitted_at", "-case"], name="case_access_newest")]

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.office_id}"


class CaseEvent(models.Model):
    """Append-only history: who moved the case, when, from which office, from where to where, and why."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    transition = models.CharField(_("transition"), max_length=48)
    from_status = models.CharField(_("from"), max_length=32, blank=True)
    to_status = models.CharField(_("to"), max_length=32)
    from_office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    to_office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    username = models.CharField(_("who"), max_length=200)
    role = models.CharField(_("role"), max_length=16)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status} → {self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Case events are append-only.")
        super().save(*args, **kwargs)


class OutboxMessage(models.Model):
    """What must happen after a transition commits: written in the same transaction, relayed after.

    A worker claims a message with a conditional UPDATE (so two relays never both run it),
    runs its handler and marks it done in one transaction: a message is acted on once even
    if the relay task is delivered twice. A handler that keeps failing ends as FAILED, shown
    on the case and the operations page, until staff retry it.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, related_name="outbox")
    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=48)
    payload = models.JSONField(default=dict)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_due", condition=Q(state="pending")),
            models.Index(fields=["state"], name="outbox_failed", condition=Q(state="failed")),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"


class WorkerHeartbeat(models.Model):
    """The last time the Celery worker ran the beat-scheduled heartbeat: proof both are alive."""

    worker = models.CharField(_("worker"), max_length=200, unique=True)
    beat_at = models.DateTimeField(_("last heartbeat"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.worker} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class SlaBreach(models.Model):
    """A case that passed its due time in one status: one row per (case, status, due), so one notice.

    A case moved on to a new status gets a new due time, and can breach again.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sla_breaches", verbose_name=_("case"))
    status = models.CharField(_("status"), max_length=32)
    due_at = models.DateTimeField(_("due"))
    detected_at = models.DateTimeField(_("detected"))
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        constraints = [models.UniqueConstraint(fields=["case", "status", "due_at"], name="sla_breach_once")]
        indexes = [models.Index(fields=["detected_at"], name="sla_breach_unnotified",
                                condition=Q(notified_at__isnull=True))]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status} due {self.due_at:%Y-%m-%d %H:%M}"
