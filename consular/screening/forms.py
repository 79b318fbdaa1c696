"""Input shapes for the watchlist pages: the entry search, switching a list on or off, an upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from consular.screening import uploads
from consular.screening.models import Watchlist, WatchlistImport


class EntrySearchForm(forms.Form):
    # Posted, never in the URL: a listed person's name is personal data like any other.
    q = forms.CharField(
        label=_("Name or reference"),
        max_length=200,
        strip=True,
        help_text=_("Part of any name or alias, or the list's reference (e.g. QDi.295)."),
    )
    after = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)


class ActivationForm(forms.Form):
    active = forms.TypedChoiceField(
        choices=[("on", _("Switch on")), ("off", _("Switch off"))], coerce=lambda value: value == "on"
    )


class UploadForm(forms.Form):
    file_format = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect)
    file = forms.FileField(label=_("File"), help_text=_("The whole list as its publisher issued it."))
    edition_date = forms.DateField(
        label=_("Edition date"),
        required=False,
        help_text=_("CSV only: the date the list was issued, YYYY-MM-DD. Without it, the moment of import."),
    )

    def __init__(self, *args, watchlist: Watchlist, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(WatchlistImport.Format.choices)
        formats = uploads.formats_for(watchlist)
        self.fields["file_format"].choices = [(value, labels[value]) for value in formats]
        if len(formats) == 1:
            self.fields["file_format"].initial = formats[0]
