"""Input shapes shared by every payable application's page: the version a write saw, the amount received."""

from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


class VersionedForm(forms.Form):
    """Every write on the application page names the version of the application the clerk saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PaymentForm(VersionedForm):
    """The amount received, in major units of the fee's currency (e.g. 107.34 USD)."""

    def __init__(self, *args, currency: str, places: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Built here: the decimal places allowed are the currency's own (ISO 4217, via babel).
        self.fields["amount"] = forms.DecimalField(
            label=format_lazy(_("Amount received ({currency})"), currency=currency),
            min_value=Decimal(0),
            max_digits=14,
            decimal_places=places,
            widget=forms.NumberInput(attrs={"inputmode": "decimal"}),
        )
        self.places = places

    def amount_in_minor_units(self) -> int:
        amount: Decimal = self.cleaned_data["amount"]
        return int(amount.scaleb(self.places).to_integral_value())
