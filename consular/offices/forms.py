from django import forms
from django.utils.translation import gettext_lazy as _

from consular.offices.models import Holiday


class HolidayForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Holiday
        fields = ["date", "name"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, office, **kwargs):
        self.office = office
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def clean_date(self):
        day = self.cleaned_data["date"]
        clash = Holiday.unscoped.filter(office=self.office, date=day).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This office already has a holiday on that day."))
        return day

    def validate_unique(self):
        # The office is not a form field; clean_date checks the one unique rule.
        pass


class SwitchOfficeForm(forms.Form):
    membership = forms.IntegerField(widget=forms.HiddenInput)
