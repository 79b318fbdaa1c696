"""Input shapes for person search, creation and merging; the actions check the rules against the database."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consular import text
from consular.identity.actions import PERSON_FIELDS, normalised_phone
from consular.identity.models import (
    IdentityDocument,
    Person,
    Prefecture,
    Sex,
    normalised_latin_name,
    validate_latin_name,
    validate_phone,
)
from consular.identity.names import PartialDate
from consular.offices.models import validate_alpha3

DATE_OF_BIRTH_HELP = _("YYYY-MM-DD, or YYYY-MM or YYYY when only part is known.")


def clean_date_of_birth(text: str) -> PartialDate | None:
    """A PartialDate from what a clerk typed; ValidationError with a sentence they can act on."""
    try:
        return PartialDate.parse(text)
    except ValueError as error:
        raise ValidationError(
            _("Write the date of birth as YYYY-MM-DD, YYYY-MM or YYYY."), code="date_of_birth"
        ) from error


def clean_nationality(value: str) -> str:
    code = (value or "").strip().upper()
    if code:
        validate_alpha3(code)
    return code


def validate_entered_latin_name(value: str) -> None:
    """The model's rule on the name as it will be kept (full-width letters made plain), before any duplicate check."""
    validate_latin_name(normalised_latin_name(value))


def validate_entered_phone(value: str) -> None:
    """The model's rule on the number as it will be kept (E.164), with the other fields' errors."""
    validate_phone(normalised_phone(value))


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("Family name first: “YAMADA HANAKO”, “YAMADA, HANAKO” or kana “やまだ はなこ”."),
    )
    date_of_birth = forms.CharField(
        label=_("Date of birth"), max_length=10, required=False, help_text=DATE_OF_BIRTH_HELP
    )
    nationality = forms.CharField(
        label=_("Nationality"), max_length=3, required=False, help_text=_("ISO 3166-1 alpha-3 code, e.g. JPN.")
    )

    def clean_date_of_birth(self) -> PartialDate | None:
        return clean_date_of_birth(self.cleaned_data["date_of_birth"])

    def clean_nationality(self) -> str:
        return clean_nationality(self.cleaned_data["nationality"])


class PersonForm(forms.Form):
    """A new person. Model validation (name letters, date parts, codes) runs in `create_person`."""

    family_name = forms.CharField(
        label=_("Family name"),
        max_length=100,
        help_text=_("As the passport prints it, e.g. YAMADA."),
        validators=[validate_entered_latin_name],
    )
    given_names = forms.CharField(
        label=_("Given names"), max_length=100, required=False, validators=[validate_entered_latin_name]
    )
    family_name_native = forms.CharField(
        label=_("Family name (native script)"), max_length=100, required=False, validators=[text.validate_single_line]
    )
    given_names_native = forms.CharField(
        label=_("Given names (native script)"), max_length=100, required=False, validators=[text.validate_single_line]
    )
    family_name_reading = forms.CharField(
        label=_("Family name (kana reading)"), max_length=100, required=False, validators=[text.validate_single_line]
    )
    given_names_reading = forms.CharField(
        label=_("Given names (kana reading)"), max_length=100, required=False, validators=[text.validate_single_line]
    )
    # Radios with none ticked: a clerk must choose, never inherit the first option by default.
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    birth_year = forms.IntegerField(label=_("Year of birth"), min_value=1850, max_value=2200)
    birth_month = forms.IntegerField(label=_("Month of birth"), min_value=1, max_value=12, required=False)
    birth_day = forms.IntegerField(label=_("Day of birth"), min_value=1, max_value=31, required=False)
    nationalities = forms.CharField(
        label=_("Nationalities"), max_length=60, help_text=_("ISO 3166-1 alpha-3 codes separated by spaces, e.g. JPN.")
    )
    place_of_birth = forms.CharField(
        label=_("Place of birth"), max_length=200, required=False, validators=[text.validate_single_line]
    )
    # Set once the clerk has seen the likely duplicates and still wants a new record.
    confirm_new = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_nationalities(self) -> list[str]:
        codes = [code.upper() for code in self.cleaned_data["nationalities"].replace(",", " ").split()]
        for code in codes:
            validate_alpha3(code)
        if not codes:
            raise ValidationError(_("Give at least one nationality."), code="nationalities")
        return codes

    def person_fields(self) -> dict:
        """The cleaned values `create_person` takes."""
        return {name: value for name, value in self.cleaned_data.items() if name != "confirm_new"}

    def date_of_birth(self) -> PartialDate:
        data = self.cleaned_data
        return PartialDate(data["birth_year"], data.get("birth_month"), data.get("birth_day"))


# What Person.clean() reads.
CROSS_CHECKED = ("birth_year", "birth_month", "birth_day", "nationalities", "honseki_prefecture")


class PersonEditForm(PersonForm):
    """Every field of a person's record (identity.actions.PERSON_FIELDS) and the version the clerk read."""

    confirm_new = None  # an edit is not a new record: no duplicate confirmation
    address_abroad = forms.CharField(
        label=_("Address abroad"), required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[text.validate_multiline],
    )
    address_home = forms.CharField(
        label=_("Address in Japan"), required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[text.validate_multiline],
    )
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=32,
        help_text=_("International format, e.g. +1 212 555 0100."),
        validators=[validate_entered_phone],
    )
    honseki_prefecture = forms.ChoiceField(
        label=_("Registered domicile (honseki) prefecture"),
        required=False,
        choices=[("", _("None")), *Prefecture.choices],
        help_text=_("Japanese nationals only."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self) -> dict:
        cleaned = super().clean()
        # The record's own rules across fields (a day of birth that exists, a honseki only for Japanese
        # nationals), checked beside the fields' errors so the clerk sees every problem at once.
        probe = Person(**{name: cleaned.get(name) for name in CROSS_CHECKED})
        try:
            probe.clean()
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in self.fields and name not in self.errors:
                    self.add_error(name, messages)
        return cleaned

    def person_fields(self) -> dict:
        """The cleaned values `update_person` takes."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    @staticmethod
    def initial_for(person: Person) -> dict:
        initial = {name: getattr(person, name) for name in PERSON_FIELDS}
        initial["nationalities"] = " ".join(person.nationalities or [])
        initial["version"] = person.version
        return initial


class DocumentForm(forms.Form):
    """An identity document typed in from the paper; `add_document` checks the number and dates."""

    kind = forms.ChoiceField(label=_("Kind of document"), choices=[("", _("Choose")), *IdentityDocument.Kind.choices])
    number = forms.CharField(
        label=_("Document number"), max_length=40, help_text=_("As printed; spaces and hyphens are left out.")
    )
    issuing_state = forms.CharField(
        label=_("Issuing state"), max_length=3, help_text=_("ISO 3166-1 alpha-3 code, e.g. JPN.")
    )
    issued_on = forms.DateField(
        label=_("Date of issue"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("YYYY-MM-DD."),
    )
    expires_on = forms.DateField(
        label=_("Date of expiry"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("YYYY-MM-DD."),
    )
    # Documents typed in by hand are ones the person shows or reports; "valid" is the usual case.
    status = forms.ChoiceField(
        label=_("Status"),
        initial=IdentityDocument.Status.VALID,
        choices=[
            (value, label)
            for value, label in IdentityDocument.Status.choices
            if value != IdentityDocument.Status.PENDING
        ],
    )

    def clean_issuing_state(self) -> str:
        return clean_nationality(self.cleaned_data["issuing_state"])

    def clean(self) -> dict:
        cleaned = super().clean()
        issued, expires = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("A document cannot expire before it is issued."))
        return cleaned


class MergeForm(forms.Form):
    """Which duplicate to fold into the person on the page, and the versions both were read at."""

    duplicate = forms.IntegerField(
        label=_("Record number of the duplicate"),
        min_value=1,
        help_text=_("It is merged into this record and then only points here."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
    duplicate_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewDecisionForm(forms.Form):
    """HQ's decision on a duplicate review, with the versions of the review and both records as read."""

    DECISIONS = [("same_person", _("Same person: merge the new record into the existing one")),
                 ("distinct", _("Different persons"))]

    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required for different persons: what tells them apart."))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    person_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    candidate_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class ApplicantSearchForm(forms.Form):
    """Step 1 of every intake (passport, visa …): find the applicant among the persons the office may see."""

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
