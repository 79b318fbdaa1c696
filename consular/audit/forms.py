from django import forms
from django.utils.translation import gettext_lazy as _

from consular.audit.models import AuditEntry
from consular.offices.models import Office


class AuditSearchForm(forms.Form):
    text = forms.CharField(label=_("Who or what"), required=False, max_length=200)
    office = forms.ChoiceField(label=_("Office"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=[("", _("Any")), *AuditEntry.Action.choices])
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                            help_text=_("Inclusive."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Scoped like everything else: a choice list never names an office the viewer cannot see.
        self.fields["office"].choices = [("", _("Any"))] + [
            (office.code, str(office)) for office in Office.objects.all()
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return cleaned
