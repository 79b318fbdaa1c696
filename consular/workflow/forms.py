"""Input shapes for the work queues, opening an enquiry and firing a transition. They validate only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consular import text
from consular.workflow.transitions import CASE_TYPES

NOTE_MAX_LENGTH = 4000


def case_type_choices() -> list[tuple[str, str]]:
    return [("", _("Any")), *((code, case_type.label) for code, case_type in CASE_TYPES.items())]


def status_choices() -> list[tuple[str, str]]:
    """Every status of every registered case type, once each (types may share a status value)."""
    seen: dict[str, str] = {}
    for case_type in CASE_TYPES.values():
        for value, label in case_type.statuses.choices:
            seen.setdefault(value, label)
    return [("", _("Any")), *seen.items()]


class QueueForm(forms.Form):
    """Filters, sort order and the keyset cursor of a queue page."""

    SORTS = {
        # name: (label, ordering fields; the last is always the primary key so the order is total)
        "newest": (_("Newest first"), ("-submitted_at", "-id")),
        "oldest": (_("Oldest first"), ("submitted_at", "id")),
        "due": (_("Due soonest"), ("due_key", "id")),
        "reference": (_("Reference"), ("reference", "id")),
    }

    status = forms.ChoiceField(label=_("Status"), required=False)
    case_type = forms.ChoiceField(label=_("Case type"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False,
                             choices=[(name, label) for name, (label, _ordering) in SORTS.items()])
    after = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = status_choices()
        self.fields["case_type"].choices = case_type_choices()

    def ordering(self) -> tuple[str, ...]:
        sort = (self.cleaned_data.get("sort") if self.is_valid() else "") or "newest"
        return self.SORTS[sort][1]


class OpenEnquiryForm(forms.Form):
    """The person was chosen with the person search; the view checks the office may read them."""

    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("What the citizen asks"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=NOTE_MAX_LENGTH, validators=[text.validate_multiline])


class FireForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput, max_length=48)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=NOTE_MAX_LENGTH, validators=[text.validate_multiline])

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()


class RetryForm(forms.Form):
    message = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
