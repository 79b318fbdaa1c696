"""Input shapes for the passport application pages: queue filters, intake, checks, payment, photo. They validate only.

The rules (who may apply for what, the fee, the photo standard, the family register's age)
are checked by `passports.actions`; its ValidationErrors are put next to these fields.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from consular import text
from consular.documents.forms import PhotoField
from consular.payments.forms import VersionedForm
from consular.workflow.forms import NOTE_MAX_LENGTH
from consular.workflow.queues import Show
from passports.models import Kind, PassportType, ReplacementReason, Status


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


class VerifyItemForm(VersionedForm):
    """Confirms one checklist document; the family register extract also needs the date printed on it."""

    document_dated = forms.DateField(
        label=_("Date printed on the document"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("YYYY-MM-DD. The extract must be issued within 6 months before the application."),
    )


class PhotoForm(VersionedForm):
    """A new photo replacing the one on file."""

    photo = PhotoField(label=_("New photo"))
