"""Input shapes for central production, the collection desk, the MRZ check and loss reports. They validate only."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consular import text
from consular.identity.forms import DATE_OF_BIRTH_HELP, clean_date_of_birth
from consular.identity.names import PartialDate
from passports.models import LossReport

BATCH_MAX_SIZE = 1000  # create_batch's own limit: one printer file per thousand booklets at most
REASON_MAX_LENGTH = 1000
SELECTION_MAX = 500
PASSPORT_NUMBER_MAX_LENGTH = 9


class SelectionField(forms.Field):
    """Ticked checkboxes carrying row ids: a list of positive integers, in the order sent, each once."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("The selection was not understood. Tick the rows again.")}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        if len(value) > SELECTION_MAX:
            raise ValidationError(_("Choose at most %(limit)s rows at a time.") % {"limit": SELECTION_MAX})
        ids: list[int] = []
        for item in value:
            if not str(item).isdigit() or int(item) < 1:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            if int(item) not in ids:
                ids.append(int(item))
        return ids


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=1, **kwargs)


# --- production at HQ ---------------------------------------------------------------------


class BatchFromSelectionForm(forms.Form):
    # The ticks are table rows rendered by hand; the page's error summary links to their error list.
    error_summary_targets = {"applications": "applications_error"}

    applications = SelectionField(
        label=_("Applications"),
        required=True,
        error_messages={"required": _("Tick at least one application to put in the batch.")},
    )


class BatchFromOldestForm(forms.Form):
    count = forms.IntegerField(
        label=_("Number of applications"),
        min_value=1,
        max_value=BATCH_MAX_SIZE,
        help_text=_("The oldest approved applications are taken first; at most 1,000 in one batch."),
    )


class NumberSeriesForm(forms.Form):
    """A range HQ opens; the model's own validation (two letters, seven digits) runs in the action."""

    prefix = forms.CharField(label=_("Prefix"), min_length=2, max_length=2, help_text=_("Two letters A–Z, e.g. TZ."))
    first = forms.IntegerField(label=_("First number"), min_value=1, max_value=9_999_999, initial=1)
    last = forms.IntegerField(label=_("Last number"), min_value=1, max_value=9_999_999, initial=9_999_999)

    def clean_prefix(self) -> str:
        return self.cleaned_data["prefix"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first is not None and last is not None and last < first:
            self.add_error("last", _("The last number comes before the first."))
        return cleaned


# The model's field names, as open_number_series reports them, to this form's fields.
NUMBER_SERIES_FIELDS = {"prefix": "prefix", "next_number": "first", "last_number": "last"}


class BatchStepForm(forms.Form):
    """Mark printed or dispatch: the batch version the page showed."""

    version = VersionField()


class CancelBatchForm(BatchStepForm):
    reason = forms.CharField(
        label=_("Why the batch is cancelled"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Its booklets are void and their numbers are never used again; the applications wait for a new batch."
        ),
        error_messages={"required": _("Say why the batch is cancelled.")},
    )

    # Cancelling cannot be undone (the numbers are never reused): the clerk ticks this first.
    confirm = forms.BooleanField(
        label=_("I confirm: this batch's booklets are void and their numbers are never used again."),
        error_messages={"required": _("Cancelling cannot be undone: tick the box to confirm it.")},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the batch is cancelled."), code="required")
        return reason


# --- collection desk ------------------------------------------------------------------------


class ReceiveShipmentForm(forms.Form):
    # As BatchFromSelectionForm: the error summary links to the error list above the table.
    error_summary_targets = {"cases": "cases_error"}

    cases = SelectionField(
        label=_("Passports received"),
        required=True,
        error_messages={"required": _("Tick the passports that arrived.")},
    )


class CollectionFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Reference or applicant's name"),
        required=False,
        max_length=100,
        help_text=_("A case reference such as P-2026-NYC-000123, or the start of the family or given name."),
    )
    dispatched_after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    ready_after = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class CollectForm(forms.Form):
    identity_evidence = forms.CharField(
        label=_("How the applicant's identity was checked"),
        max_length=200,
        help_text=_(
            "The document you compared with the applicant and the photo, e.g. “previous passport "
            "TZ1234567” or “driving licence, New York, 123-456-789”."
        ),
        error_messages={"required": _("Say how the applicant's identity was checked.")},
        validators=[text.validate_single_line],
    )
    version = VersionField()

    def clean_identity_evidence(self) -> str:
        evidence = self.cleaned_data["identity_evidence"].strip()
        if not evidence:
            raise ValidationError(_("Say how the applicant's identity was checked."), code="required")
        return evidence


# --- MRZ check and loss reports -------------------------------------------------------------


class MrzCheckForm(forms.Form):
    mrz = forms.CharField(
        label=_("Machine readable zone"),
        max_length=200,
        strip=False,
        # Fixed-width and unwrapped (static/css/app.css .mrz): each line reads as the reader sees it.
        widget=forms.Textarea(
            attrs={"rows": 3, "cols": 46, "spellcheck": "false", "autocomplete": "off", "wrap": "off", "class": "mrz"}
        ),
        help_text=_("The two lines at the foot of the data page, 44 characters each, as printed."),
        error_messages={"required": _("Paste the two lines of the MRZ.")},
    )


class LossReportForm(forms.Form):
    # Room for the spaces people type between the letters and the digits; the number itself is at most 9.
    number = forms.CharField(label=_("Passport number"), max_length=20, help_text=_("For example TZ1234567."))
    family_name = forms.CharField(
        label=_("Holder's family name"), max_length=100, help_text=_("As the passport prints it, e.g. YAMADA.")
    )
    date_of_birth = forms.CharField(label=_("Holder's date of birth"), max_length=10, help_text=DATE_OF_BIRTH_HELP)
    kind = forms.ChoiceField(label=_("Lost or stolen"), choices=LossReport.Kind.choices, widget=forms.RadioSelect)
    circumstances = forms.CharField(
        label=_("What happened"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Where and when it was last seen, and how it was lost or taken."),
        validators=[text.validate_multiline],
    )
    police_reference = forms.CharField(
        label=_("Police report reference"),
        max_length=64,
        required=False,
        help_text=_("Required when the passport was stolen."),
        validators=[text.validate_single_line],
    )
    happened_on = forms.DateField(
        label=_("Lost or stolen on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # The passport is invalid at once and for good, even if it is found: the clerk ticks this first.
    confirm = forms.BooleanField(
        label=_("I confirm: the passport becomes invalid at once and can never be used again, even if it is found."),
        error_messages={"required": _("Reporting cannot be undone: tick the box to confirm it.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == LossReport.Kind.STOLEN and not cleaned.get("police_reference", "").strip():
            self.add_error("police_reference", _("A theft needs the police report reference."))
        return cleaned

    def clean_number(self) -> str:
        number = "".join(self.cleaned_data["number"].split()).upper()
        if not number.isalnum() or not number.isascii() or len(number) > PASSPORT_NUMBER_MAX_LENGTH:
            raise ValidationError(
                _("A passport number is at most 9 letters A–Z and digits, e.g. TZ1234567."), code="number"
            )
        return number

    def clean_family_name(self) -> str:
        return " ".join(self.cleaned_data["family_name"].split()).upper()

    def clean_date_of_birth(self) -> PartialDate:
        return clean_date_of_birth(self.cleaned_data["date_of_birth"])
