"""Input shapes for the work queues, opening an enquiry and firing a transition. They validate only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consular import text
from consular.workflow.queues import ANY_OFFICE, Show
from consular.workflow.transitions import CASE_TYPES, CaseType

NOTE_MAX_LENGTH = 4000


def case_type_choices() -> list[tuple[str, str]]:
    return [("", _("Any")), *((code, case_type.label) for code, case_type in CASE_TYPES.items())]


def status_choices() -> list[tuple[str, str]]:
    """Every status value of every registered case type, once each (the API filters by the plain value)."""
    seen: dict[str, str] = {}
    for case_type in CASE_TYPES.values():
        for value, label in case_type.statuses.choices:
            seen.setdefault(value, label)
    return [("", _("Any")), *seen.items()]


def grouped_status_choices() -> list:
    """Each case type's statuses under its own heading, as "<type>:<status>", for people to choose from.

    Two case types may call different statuses by the same word (an enquiry "received", a
    passport "submitted": both 受付 in Japanese), or share a value with different meanings:
    grouped and qualified, every choice is one status of one case type.
    """
    return [("", _("Any")), *(
        (case_type.label, [(f"{code}:{value}", label) for value, label in case_type.statuses.choices])
        for code, case_type in CASE_TYPES.items()
    )]


class QueueForm(forms.Form):
    """Filters, sort order and the keyset cursor of a queue page.

    The view passes the acting office's caseworkers (for the assignee filter) and, for
    viewers who see every office, the offices they may pick.
    """

    SORTS = {
        # name: (label, ordering fields; the last is always the primary key so the order is total)
        "newest": (_("Newest first"), ("-submitted_at", "-id")),
        "oldest": (_("Oldest first"), ("submitted_at", "id")),
        "due": (_("Due soonest"), ("due_key", "id")),
        "reference": (_("Reference"), ("reference", "id")),
    }
    UNASSIGNED = "none"

    show = forms.ChoiceField(label=_("Show"), required=False, choices=Show.choices)
    status = forms.ChoiceField(label=_("Status"), required=False)
    case_type = forms.ChoiceField(label=_("Case type"), required=False)
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    held_by = forms.ChoiceField(label=_("Held by"), required=False)
    origin = forms.ChoiceField(label=_("Opened by"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False,
                             choices=[(name, label) for name, (label, _ordering) in SORTS.items()])
    after = forms.CharField(required=False, widget=forms.HiddenInput, max_length=200)

    def __init__(self, *args, people: list[tuple[int, str]] = (), offices: list[tuple[str, str]] | None = None,
                 open_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = grouped_status_choices()
        self.fields["case_type"].choices = case_type_choices()
        self.fields["assignee"].choices = [("", _("Anyone")), (self.UNASSIGNED, _("Nobody yet")),
                                           *((str(pk), name) for pk, name in people)]
        directory = list(offices or [])
        self.fields["origin"].choices = [("", _("Any office")), *directory]
        if offices is None:
            del self.fields["held_by"]  # an office sees its own desk only
        else:
            self.fields["held_by"].choices = [("", _("This office")), (ANY_OFFICE, _("Any office")), *directory]
        if open_only:
            del self.fields["show"]  # overdue and referred cases are open by definition

    def clean(self) -> dict:
        data = super().clean()
        status, case_type = data.get("status", ""), data.get("case_type", "")
        if status and case_type and not status.startswith(f"{case_type}:"):
            self.add_error("status", _("That status is not one of the chosen case type's."))
        return data

    def ordering(self) -> tuple[str, ...]:
        sort = (self.cleaned_data.get("sort") if self.is_valid() else "") or "newest"
        return self.SORTS[sort][1]


class AssignForm(forms.Form):
    """One case to a member of the office; the view passes the office's caseworkers."""

    assignee = forms.TypedChoiceField(label=_("Assign to"), coerce=int)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Choose a member of staff")), *people]


class AssignSelectionForm(forms.Form):
    """The ticked rows of a queue page, each as "<case id>:<version shown>", to one member of the office."""

    # The ticks are table rows rendered by hand (prefix "assign"); the page's error summary links to their error list.
    error_summary_targets = {"cases": "assign-cases_error"}

    cases = forms.MultipleChoiceField(label=_("Cases"), error_messages={"required": _("Tick at least one case.")})
    assignee = forms.TypedChoiceField(label=_("Assign the ticked cases to"), coerce=int)

    def __init__(self, *args, people: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", _("Choose a member of staff")), *people]
        # Any well-formed pair is a choice; which cases exist and may be assigned is the action's business.
        self.fields["cases"].valid_value = lambda value: _case_and_version(value) is not None

    def clean_cases(self) -> dict[int, int]:
        return dict(_case_and_version(value) for value in self.cleaned_data["cases"])


def _case_and_version(value: str) -> tuple[int, int] | None:
    case, _colon, version = str(value).partition(":")
    if case.isdigit() and version.isdigit() and len(value) <= 24:
        return int(case), int(version)
    return None


class OpenEnquiryForm(forms.Form):
    """The person was chosen with the person search; the view checks the office may read them."""

    person = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("What the citizen asks"), widget=forms.Textarea(attrs={"rows": 4}),
                           max_length=NOTE_MAX_LENGTH, validators=[text.validate_multiline])


class FireForm(forms.Form):
    """One step of a case's table; a step that cannot be undone needs its box ticked (no script needed)."""

    transition = forms.CharField(widget=forms.HiddenInput, max_length=48)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=NOTE_MAX_LENGTH, validators=[text.validate_multiline])
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
