"""Input shapes for the visa pages: intake, checks, referral, instruction, decision, issuance. They validate only.

The rules (what a category allows, the fee, exemptions, what blocks a decision) are
`visas.actions`'; its ValidationErrors are put next to these fields.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consular import text
from consular.documents.forms import PhotoField
from consular.payments.forms import VersionedForm
from consular.workflow.forms import NOTE_MAX_LENGTH
from visas.models import Entries, Instruction, RefusalReason, Status, Visa, VisaCategory

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


NOTE_LABEL = _("Note")


def _note(label=NOTE_LABEL, *, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=NOTE_MAX_LENGTH, validators=[text.validate_multiline], help_text=help_text)


class QueueForm(forms.Form):
    """The office's visa applications: a status, and the keyset cursor."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Open ones")), *Status.choices])
    after = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category: VisaCategory) -> str:
        return category.name


class ApplicationForm(forms.Form):
    """Step 2 of intake, for the person chosen in step 1."""

    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    category = CategoryChoiceField(label=_("Category"), queryset=VisaCategory.objects.filter(active=True),
                                   empty_label=_("Choose"))
    entries = forms.ChoiceField(label=_("Entries"), choices=Entries.choices, initial=Entries.SINGLE,
                                widget=forms.RadioSelect)
    purpose = forms.CharField(label=_("Purpose of the visit"), max_length=500, validators=[text.validate_single_line])
    arrival_on = forms.DateField(label=_("Intended arrival"), widget=DATE_WIDGET, help_text=_("YYYY-MM-DD."))
    stay_days = forms.IntegerField(label=_("Length of stay (days)"), min_value=1, max_value=3650)
    passport_mrz = forms.CharField(
        label=_("Passport MRZ"), max_length=200, widget=forms.Textarea(attrs={
            "rows": 2, "class": "mrz", "spellcheck": "false", "autocapitalize": "characters", "autocomplete": "off"}),
        help_text=_("The two lines at the bottom of the passport's data page, typed or from the scanner."),
    )
    passport_issued_on = forms.DateField(label=_("Passport issued on"), widget=DATE_WIDGET,
                                         help_text=_("As printed on the data page; the MRZ does not carry it."))
    coe_number = forms.CharField(label=_("Certificate of Eligibility number"), max_length=32, required=False,
                                 help_text=_("Required for the working, study and family categories."))
    host_name = forms.CharField(label=_("Inviter or guarantor in Japan"), max_length=200, required=False,
                                validators=[text.validate_single_line])
    host_address = forms.CharField(label=_("Their address"), max_length=300, required=False,
                                   validators=[text.validate_single_line])
    host_relationship = forms.CharField(label=_("Relationship to the applicant"), max_length=100, required=False,
                                        validators=[text.validate_single_line])
    host_phone = forms.CharField(label=_("Their phone"), max_length=32, required=False,
                                 validators=[text.validate_single_line])
    itinerary = _note(_("Itinerary"), help_text=_("Flights, places and accommodation, one per line."))
    group_reference = forms.CharField(label=_("Family or group"), max_length=32, required=False,
                                      help_text=_("The same reference on every member's application links them; "
                                                  "each is decided on its own."))
    photo = PhotoField(required=False)
    note = _note()


class VerifyItemForm(VersionedForm):
    """Confirms one document of the checklist."""


class ReferForm(VersionedForm):
    recommendation = forms.ChoiceField(label=_("Your recommendation"), choices=Instruction.choices,
                                       widget=forms.RadioSelect)
    note = _note(_("Why"), required=True)


class InstructForm(VersionedForm):
    instruction = forms.ChoiceField(label=_("Instruction to the mission"), choices=Instruction.choices,
                                    widget=forms.RadioSelect)
    note = _note(_("Why"), required=True)


class ApproveForm(VersionedForm):
    note = _note()


class RefuseForm(VersionedForm):
    reason = forms.ChoiceField(label=_("Reason (kept on file, not stated in the letter)"),
                               choices=[("", _("Choose")), *RefusalReason.choices])
    note = _note(required=True)
    confirm = forms.BooleanField(label=_("I confirm the refusal: it cannot be undone."), required=True)


class IssueForm(VersionedForm):
    form = forms.ChoiceField(label=_("Issue as"), choices=Visa.Form.choices, widget=forms.RadioSelect,
                             initial=Visa.Form.STICKER)


class EndVisaForm(VersionedForm):
    how = forms.ChoiceField(label=_("What happens to the visa"), widget=forms.RadioSelect,
                            choices=[("revoke", _("Revoke it")), ("cancel", _("Cancel it"))])
    note = _note(required=True)
    confirm = forms.BooleanField(label=_("I confirm: the visa stops being valid at once."), required=True)
