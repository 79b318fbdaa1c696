"""Sealed documents that must no longer be accepted, as the public revocation list publishes them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RevokedSeal(models.Model):
    """A document we sealed (an e-visa …) that was revoked or cancelled: its seal still verifies, but says so.

    Holds only what the list publishes: the document's number and issuing state, no name.
    """

    class Reason(models.TextChoices):
        REVOKED = "revoked", _("revoked")
        CANCELLED = "cancelled", _("cancelled")

    issuing_state = models.CharField(_("issuing state"), max_length=3)
    number = models.CharField(_("document number"), max_length=9)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    revoked_at = models.DateTimeField(_("revoked at"))
    revoked_by = models.CharField(_("revoked by"), max_length=150)

    class Meta:
        verbose_name = _("revoked sealed document")
        verbose_name_plural = _("revoked sealed documents")
        ordering = ["revoked_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["issuing_state", "number"], name="revoked_seal_once")]

    def __str__(self) -> str:
        return f"{self.issuing_state} {self.number} ({self.reason})"
