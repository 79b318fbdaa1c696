"""Exchange rates as HQ sets them, and the fields every payable application carries."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeRate(models.Model):
    """Yen per unit of a local currency as HQ sets it for a period: newest effective_from ≤ the day applies."""

    currency = models.CharField(_("currency"), max_length=3,
                                validators=[RegexValidator(r"^[A-Z]{3}$", _("An ISO 4217 code, e.g. USD."))])
    yen_per_unit = models.DecimalField(_("yen per unit"), max_digits=12, decimal_places=4,
                                       validators=[MinValueValidator(0.0001)])
    effective_from = models.DateField(_("effective from"))

    class Meta:
        ordering = ["currency", "-effective_from"]
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        constraints = [models.UniqueConstraint(fields=["currency", "effective_from"], name="exchange_rate_once")]

    def __str__(self) -> str:
        return f"1 {self.currency} = ¥{self.yen_per_unit} from {self.effective_from}"


class Payable(models.Model):
    """The fee due on an application, fixed on the day it was taken, and its payment once received.

    Money is an integer in minor units with its ISO 4217 currency (DESIGN.md). `payments.receipts`
    checks a payment against what is due and numbers its receipt; a domain's own action saves the
    fields with its version check and audits them.
    """

    fee_amount = models.PositiveIntegerField(_("fee due (minor units)"))
    fee_currency = models.CharField(_("fee currency"), max_length=3)
    paid_amount = models.PositiveIntegerField(_("amount paid (minor units)"), null=True, blank=True)
    paid_currency = models.CharField(max_length=3, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=32, blank=True)
    received_by = models.CharField(_("payment received by"), max_length=150, blank=True)

    class Meta:
        abstract = True

    @property
    def is_paid(self) -> bool:
        return self.paid_at is not None
