"""Input shapes for the work queues, opening an enquiry and firing a transition. They validate only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consular.workflow.transitions import CASE_TYPES, CaseType

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
    """The person is chosen among those the office may see; the view passes them in."""

    person = forms.TypedChoiceField(label=_("Person"), coerce=int)
    note = forms.CharField(label=_("What the citizen asks"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=NOTE_MAX_LENGTH)

    def __init__(self, *args, persons: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Choose a person")), *persons]


class PersonFilterForm(forms.Form):
    """Narrows the list of persons to choose from by the start of the family name."""

    name = forms.CharField(label=_("Family name starts with"), required=False, max_length=100)


class FireForm(forms.Form):
    """One step of a case's table; a step that cannot be undone needs its box ticked (no script needed)."""

    transition = forms.CharField(widget=forms.HiddenInput, max_length=48)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=NOTE_MAX_LENGTH)
    confirm = forms.BooleanField(label=_("Confirmation"), required=False)

    def __init__(self, *args, case_type: CaseType, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.case_type = case_type
        # Each step has its own form on the page (workflow/includes/next_steps.html), its fields named by the step.
        step = str(self.data.get("transition", ""))[:48]
        self.error_summary_targets = {"note": f"note-{step}", "confirm": f"confirm-{step}"}

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()

    def clean(self) -> dict:
        cleaned = super().clean()
        transition = self.case_type.by_name.get(cleaned.get("transition", ""))
        if transition is None:
            return cleaned
        step = transition.label or transition.name
        # fire() refuses these too; checked here they are errors next to the field, listed in the summary.
        if transition.note_required and not cleaned.get("note"):
            self.add_error("note", _("A note is required."))
        # The page asks with a required checkbox; this holds for a browser that skips it, too.
        if transition.irreversible and not cleaned.get("confirm"):
            self.add_error("confirm", _("“%(step)s” cannot be undone: tick the box to confirm it.") % {"step": step})
        return cleaned


class RetryForm(forms.Form):
    message = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
