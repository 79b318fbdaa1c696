"""Demo exchange rates for the demo missions' currencies (yen per unit, from 1 April 2025)."""

from datetime import date
from decimal import Decimal

from consular.payments.models import ExchangeRate

RATES_FROM = date(2025, 4, 1)
RATES = {"USD": Decimal("150.0000"), "GBP": Decimal("190.0000"), "THB": Decimal("4.2000")}


def seed() -> None:
    for currency, rate in RATES.items():
        ExchangeRate.objects.get_or_create(currency=currency, effective_from=RATES_FROM,
                                           defaults={"yen_per_unit": rate})
