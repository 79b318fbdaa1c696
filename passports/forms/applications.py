"""Input shapes for the passport application pages: queue filters, intake, checks, payment, photo. They validate only.

The rules (who may apply for what, the fee, the photo standard, the family register's age)
are checked by `passports.actions`; its ValidationErrors are put next to these fields.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from consular import text
from consular.documents.photos import MAX_FILE_BYTES, PHOTO_RULES
from consular.identity.forms import DATE_OF_BIRTH_HELP, clean_date_of_birth
from consular.identity.names import PartialDate
from consular.workflow.forms import NOTE_MAX_LENGTH
from consular.workflow.queues import Show
from passports.models import Kind, PassportType, ReplacementReason, Status

PHOTO_ACCEPT = "image/jpeg,image/png"
PHOTO_HELP = PHOTO_RULES


class ApplicationQueueForm(forms.Form):
    """Open or closed, status and kind filters, sort order and the keyset cursor of the passport queue."""

    SORTS = {
        # name: (label, ordering; the last field is always the primary key so the order is total)
        "newest": (_("Newest first"), ("-submitted_at", "-id")),
        "oldest": (_("Oldest first"), ("submitted_at", "id")),
        "due": (_("Due soonest"), ("due_key", "id")),
        "reference": (_("Reference"), ("reference", "id")),
    }

    show = forms.ChoiceField(label=_("Show"), required=False, choices=Show.choices)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any")), *Status.choices])
    kind = forms.ChoiceField(label=_("Kind of application"), required=False, choices=[("", _("Any")), *Kind.choices])
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(name, label) for name, (label, _ordering) in SORTS.items()]
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def ordering(self) -> tuple[str, ...]:
        sort = (self.cleaned_data.get("sort") if self.is_valid() else "") or "newest"
        return self.SORTS[sort][1]


class ApplicantSearchForm(forms.Form):
    """Step 1 of intake: find the applicant among the persons the office may see."""

    q = forms.CharField(
        label=_("Applicant's name"),
        max_length=200,
        help_text=_("Family name first: “YAMADA HANAKO”, “YAMADA, HANAKO” or kana “やまだ はなこ”."),
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"), max_length=10, required=False, help_text=DATE_OF_BIRTH_HELP
    )

    def clean_date_of_birth(self) -> PartialDate | None:
        return clean_date_of_birth(self.cleaned_data["date_of_birth"])


class PhotoField(forms.FileField):
    """A photo upload; its content is judged by `consular.documents.photos`, only its size is capped here."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", _("Photo"))
        kwargs.setdefault("help_text", PHOTO_HELP)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": PHOTO_ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None) -> UploadedFile | None:
        upload = super().clean(data, initial)
        # Refused before it is read into memory; the same words as the photo check uses.
        if upload and upload.size > MAX_FILE_BYTES:
            raise ValidationError(format_lazy(
                _("The file must be at most {limit} MB; this one is {size} MB."),
                limit=f"{MAX_FILE_BYTES / 1024 / 1024:.1f}", size=f"{upload.size / 1024 / 1024:.1f}",
            ))  # fmt: skip
        return upload


class ApplicationForm(forms.Form):
    """Step 2 of intake. The view passes the choices the acting office and the applicant allow."""

    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    kind = forms.ChoiceField(label=_("Kind of application"), choices=[("", _("Choose")), *Kind.choices])
    passport_type = forms.ChoiceField(label=_("Passport type"), initial=PassportType.ORDINARY)
    validity_years = forms.TypedChoiceField(
        label=_("Validity"),
        coerce=int,
        choices=[(10, _("10 years")), (5, _("5 years"))],
        widget=forms.RadioSelect,
        help_text=_("10 years from age 18; younger applicants get 5 years."),
    )
    replacement_reason = forms.ChoiceField(
        label=_("Reason for replacement"),
        required=False,
        choices=[("", _("Not a replacement")), *ReplacementReason.choices],
        help_text=_("Only for a replacement of a lost, stolen or damaged passport."),
    )
    previous_passport = forms.TypedChoiceField(
        label=_("Previous passport"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Needed for a renewal, a replacement or a change of details."),
    )
    collecting_office = forms.TypedChoiceField(label=_("Collected at"), coerce=int)
    photo = PhotoField(required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        validators=[text.validate_multiline],
    )
    # Shown only to a supervisor, once the person turns out to have an open application of this type.
    second_application_reason = forms.CharField(
        label=_("Why a second application is needed"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Recorded on the new case and in the audit log."),
    )

    def __init__(
        self,
        *args,
        passport_types: list[tuple[str, str]],
        previous_passports: list[tuple[int, str]],
        collecting_offices: list[tuple[int, str]],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["passport_type"].choices = passport_types
        self.fields["previous_passport"].choices = [("", _("None")), *previous_passports]
        self.fields["collecting_office"].choices = collecting_offices

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()

    def clean_second_application_reason(self) -> str:
        return self.cleaned_data["second_application_reason"].strip()


class VersionedForm(forms.Form):
    """Every write on the application page names the version of the application the clerk saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class VerifyItemForm(VersionedForm):
    """Confirms one checklist document; the family register extract also needs the date printed on it."""

    document_dated = forms.DateField(
        label=_("Date printed on the document"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("YYYY-MM-DD. The extract must be issued within 6 months before the application."),
    )


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


class PhotoForm(VersionedForm):
    """A new photo replacing the one on file."""

    photo = PhotoField(label=_("New photo"))
