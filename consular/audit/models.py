"""Append-only record of who read or changed which personal data, from which office, when."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consular.offices.scoping import Actor, OfficeScopedManager


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Audit entries are append-only.")

    def delete(self):
        raise TypeError("Audit entries are append-only.")

    def visible_to(self, actor: Actor | None) -> "AuditEntryQuerySet":
        """Only auditors read the audit log, and they read all of it."""
        if actor is None or not actor.is_read_only:
            return self.none()
        return self

    def search(self, *, text: str = "", office: str = "", action: str = "", since=None, until=None):
        entries = self
        if text:
            entries = entries.filter(
                Q(username__icontains=text) | Q(object_repr__icontains=text) | Q(object_id=text)
            )
        if office:
            entries = entries.filter(office_code=office)
        if action:
            entries = entries.filter(action=action)
        if since:
            entries = entries.filter(at__gte=since)
        if until:
            entries = entries.filter(at__lt=until)
        return entries


class AuditEntry(models.Model):
    """One access to or change of personal data, or a security event.

    Names and codes are copied, not linked, so the record stays true after a user or
    office is renamed; database triggers (migration 0002) refuse UPDATE and DELETE.
    """

    class Action(models.TextChoices):
        READ = "read", _("Read")
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        EXPORT = "export", _("Export")
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        SECOND_FACTOR = "second_factor", _("Second factor changed")
        SWITCH_OFFICE = "switch_office", _("Switched office")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user_id = models.BigIntegerField(null=True, blank=True)
    username = models.CharField(_("who"), max_length=200, blank=True, db_index=True)
    office_code = models.CharField(_("office"), max_length=8, blank=True, db_index=True)
    role = models.CharField(_("role"), max_length=16, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.CharField(_("address"), max_length=45, blank=True)

    # Scoped like every model: the manager applies AuditEntryQuerySet.visible_to for the current actor.
    objects = OfficeScopedManager.from_queryset(AuditEntryQuerySet)()
    unscoped = models.Manager.from_queryset(AuditEntryQuerySet)()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit entries are append-only.")
