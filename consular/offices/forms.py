from django import forms
from django.utils.translation import gettext_lazy as _


class HolidayForm(forms.Form):
    """Input only: the action checks the one-holiday-per-day rule against the database."""

    date = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("name"), max_length=200)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SwitchOfficeForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
