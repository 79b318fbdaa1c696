"""Yen amounts in a mission's currency, at the rate HQ set for the day, and money as people read it."""

from datetime import date
from decimal import ROUND_CEILING, Decimal

from babel.numbers import get_currency_precision
from django.utils.translation import gettext as _

from consular.payments.models import ExchangeRate

HOME_CURRENCY = "JPY"


class NoExchangeRate(Exception):
    """HQ has set no rate for the currency that applies on the day: the amount cannot be converted."""


def in_local_currency(amount_jpy: int, currency: str, day: date) -> int:
    """Yen to the mission's currency in minor units, at HQ's rate for the day, rounded up to the minor unit."""
    if currency == HOME_CURRENCY:
        return amount_jpy
    rate = ExchangeRate.objects.filter(currency=currency, effective_from__lte=day).order_by("-effective_from").first()
    if rate is None:
        raise NoExchangeRate(_("HQ has set no exchange rate for %(currency)s.") % {"currency": currency})
    minor_per_unit = 10 ** get_currency_precision(currency)
    amount = (Decimal(amount_jpy) / rate.yen_per_unit * minor_per_unit).to_integral_value(rounding=ROUND_CEILING)
    return int(amount)


def format_money(amount_minor: int, currency: str) -> str:
    """`USD 107.34`, `JPY 16,000`: minor units shown with the currency's own decimals."""
    places = get_currency_precision(currency)
    return f"{currency} {amount_minor / 10**places:,.{places}f}"
