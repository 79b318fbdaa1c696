"""The error summary at the top of every page (consular/error_summary.py, via base.html)."""

from dataclasses import dataclass

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from consular.error_summary import SummaryLine, forms_in, summary_lines


class NameForm(forms.Form):
    name = forms.CharField(label="Name")
    choice = forms.ChoiceField(label="Colour", choices=[("r", "Red"), ("b", "Blue")], widget=forms.RadioSelect)
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("The record changed meanwhile.")


class TicksForm(forms.Form):
    error_summary_targets = {"rows": "rows_error"}
    rows = forms.CharField(label="Rows", widget=forms.HiddenInput)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@dataclass
class Row:
    label: str
    form: forms.Form | None


def test_it_lists_every_error_and_links_each_field_by_the_id_of_its_input():
    form = NameForm({"name": "", "choice": "", "version": "x"})
    assert summary_lines([form]) == [
        SummaryLine("The record changed meanwhile.", "", ""),
        SummaryLine("This field is required.", "id_name", "Name"),
        SummaryLine("This field is required.", "id_choice", "Colour"),  # the group of radios
        SummaryLine("Enter a whole number.", "", ""),  # a hidden field has nothing to link to
    ]


def test_a_form_that_renders_a_field_by_hand_names_where_its_errors_are():
    assert summary_lines([TicksForm({})]) == [SummaryLine("This field is required.", "rows_error", "Rows")]


def test_unbound_and_valid_forms_add_nothing():
    assert summary_lines([NameForm(), TicksForm({"rows": "1"})]) == []


def test_it_finds_forms_given_directly_and_one_level_down_in_rows_once_each():
    direct, in_a_row, in_a_list = NameForm({}), TicksForm({}), TicksForm({})
    context = Context({"form": direct, "again": direct, "rows": [Row("a", in_a_row), Row("b", None)],
                       "forms": [in_a_list], "text": "not a form"})
    assert forms_in(context) == [direct, in_a_row, in_a_list]


def test_the_summary_is_an_alert_with_a_heading_and_links():
    html = Template("{% load error_summary %}{% error_summary %}").render(Context({"form": NameForm({"name": ""})}))
    assert 'role="alert"' in html and "data-error-summary" in html
    assert '<a href="#id_name">Name: This field is required.</a>' in html


def test_a_page_without_errors_has_no_summary():
    assert Template("{% load error_summary %}{% error_summary %}").render(Context({"form": NameForm()})).strip() == ""
