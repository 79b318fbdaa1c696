"""Exchange rates with effective dates, conversion to a mission's currency, and money as people read it."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from consular.payments import rates
from consular.payments.models import ExchangeRate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def hqs_rates():
    start = date(2025, 4, 1)
    ExchangeRate.objects.bulk_create([
        ExchangeRate(currency="USD", yen_per_unit=Decimal("150.0000"), effective_from=start),
        ExchangeRate(currency="GBP", yen_per_unit=Decimal("190.0000"), effective_from=start),
    ])
    with translation.override("en"):
        yield


def test_local_currency_is_rounded_up_to_the_minor_unit_at_hqs_rate():
    # ¥16,000 at ¥150/USD = 106.666… → USD 106.67; GBP at 190 → 84.2105… → 84.22.
    assert rates.in_local_currency(16_000, "USD", date(2026, 11, 30)) == 10_667
    assert rates.in_local_currency(16_000, "GBP", date(2026, 11, 30)) == 8_422
    assert rates.in_local_currency(16_000, "JPY", date(2026, 11, 30)) == 16_000
    assert rates.format_money(10_667, "USD") == "USD 106.67"
    assert rates.format_money(16_000, "JPY") == "JPY 16,000"


def test_a_currency_without_a_rate_cannot_be_priced():
    with pytest.raises(rates.NoExchangeRate, match="THB"):
        rates.in_local_currency(16_000, "THB", date(2026, 11, 30))


def test_a_rate_set_for_a_later_period_does_not_apply_yet():
    ExchangeRate.objects.create(currency="USD", yen_per_unit=Decimal("100"), effective_from=date(2027, 1, 1))

    assert rates.in_local_currency(15_000, "USD", date(2026, 12, 31)) == 10_000


def test_a_rate_applies_from_its_own_day():
    ExchangeRate.objects.create(currency="USD", yen_per_unit=Decimal("100"), effective_from=date(2027, 1, 1))

    assert rates.in_local_currency(15_000, "USD", date(2027, 1, 1)) == 15_000


def test_a_currency_without_minor_units_is_shown_without_decimals():
    assert rates.format_money(1_234_567, "JPY") == "JPY 1,234,567"
    assert rates.format_money(5, "KWD") == "KWD 0.005"  # three decimals
