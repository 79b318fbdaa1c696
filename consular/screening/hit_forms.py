"""Input shapes for adjudicating a hit. They validate only; the rules are in screening_actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consular.screening.models import ScreeningHit

NOTE_MAX_LENGTH = 4000


class AdjudicateForm(forms.Form):
    """One of the hit page's forms: confirm, clear, or (a second person) agree to or reject a clearance."""

    DECISIONS = [
        ("confirm", _("Confirm the hit")),
        ("clear", _("Clear as a false match")),
        ("agree", _("Agree to the clearance")),
        ("reject", _("Reject the clearance")),
    ]

    decision = forms.ChoiceField(choices=DECISIONS)
    reason = forms.ChoiceField(
        label=_("Reason for clearing"), required=False, choices=[("", "—"), *ScreeningHit.ClearReason.choices]
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH, widget=forms.Textarea)
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The page writes each decision's form by hand; the error summary links to the field of the one posted.
        decision = str(self.data.get("decision", ""))
        note = {"clear": "clear-note", "confirm": "confirm-note"}.get(decision, "second-note")
        self.error_summary_targets = {"reason": "clear-reason", "note": note}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "clear" and not cleaned.get("reason"):
            self.add_error("reason", _("Choose the reason for clearing the hit."))
        return cleaned
