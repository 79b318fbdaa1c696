"""The person forms choose nothing for the clerk."""

from consular.identity.forms import DocumentForm, PersonEditForm, PersonForm


def test_the_new_person_form_offers_the_sexes_as_radios_with_none_chosen():
    html = str(PersonForm()["sex"])
    assert html.count('type="radio"') == 3
    assert "checked" not in html


def test_the_edit_form_shows_the_recorded_sex_chosen():
    form = PersonEditForm(initial={"sex": "M"})
    assert 'value="M" required id="id_sex_1" checked' in str(form["sex"])


def test_the_document_form_starts_with_no_kind_chosen():
    assert DocumentForm.base_fields["kind"].choices[0][0] == ""
