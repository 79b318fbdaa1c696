"""A fee paid in full, in the currency it is due in, gets a receipt numbered in its office's series.

`receive_payment` checks the payment against what is due and returns the fields to save; the
domain's action saves them with its own version check, inside the same transaction as the
number, and audits the change.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from consular.offices.models import Office
from consular.offices.numbering import next_in_series
from consular.payments.models import Payable
from consular.payments.rates import format_money


def receipt_series(office: Office) -> str:
    """`R-2026-NYC`: one series per office and local year."""
    return f"R-{office.local_today().year}-{office.code}"


def receive_payment(payable: Payable, *, office: Office, received_by: str, amount: int, currency: str) -> dict:
    """The fields of a payment in full (receipt number included), or a ValidationError naming the field."""
    if payable.is_paid:
        raise ValidationError({"amount": _("The fee is already paid (receipt %(receipt)s).")
                               % {"receipt": payable.receipt_number}})
    if currency != payable.fee_currency:
        raise ValidationError({"currency": _("The fee is collected in %(currency)s.")
                               % {"currency": payable.fee_currency}})
    if amount != payable.fee_amount:
        raise ValidationError({"amount": _("The fee due is %(due)s.")
                               % {"due": format_money(payable.fee_amount, payable.fee_currency)}})
    series = receipt_series(office)
    return {
        "paid_amount": amount, "paid_currency": currency, "paid_at": timezone.now(),
        "receipt_number": f"{series}-{next_in_series(series):06d}", "received_by": received_by,
    }
