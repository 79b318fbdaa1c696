"""FireForm: a step that cannot be undone needs its box ticked; a step that needs a note needs one."""

import pytest
from django.utils import translation

from consular.workflow.enquiries import ENQUIRY
from consular.workflow.forms import FireForm
from consular.workflow.transitions import CASE_TYPES

# Steps that end a case against what was asked for, whatever the domain calls its own.
DESTRUCTIVE_NAMES = {"refuse", "withdraw", "cancel", "lapse", "revoke"}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def fire_form(transition: str, **data) -> FireForm:
    return FireForm({"transition": transition, "version": 1, **data}, case_type=ENQUIRY)


def test_an_irreversible_step_without_the_box_ticked_is_refused_next_to_the_box():
    form = fire_form("close")
    assert not form.is_valid()
    assert form.errors["confirm"] == ["“Close” cannot be undone: tick the box to confirm it."]
    assert form.error_summary_targets["confirm"] == "confirm-close"


def test_an_irreversible_step_with_the_box_ticked_is_accepted():
    assert fire_form("close", confirm="on").is_valid()


def test_a_step_that_can_be_undone_needs_no_box():
    assert fire_form("start").is_valid()


def test_a_step_that_needs_a_note_is_refused_next_to_the_note():
    form = fire_form("withdraw", confirm="on", note="   ")
    assert not form.is_valid()
    assert form.errors["note"] == ["A note is required."]
    assert form.error_summary_targets["note"] == "note-withdraw"


@pytest.mark.parametrize("case_type", list(CASE_TYPES.values()), ids=lambda case_type: case_type.code)
def test_every_step_that_closes_a_case_is_irreversible_and_refusals_and_withdrawals_are_destructive(case_type):
    for transition in case_type.transitions:
        if transition.closes:
            assert transition.irreversible, transition.name
        if transition.name in DESTRUCTIVE_NAMES:
            assert transition.destructive and transition.irreversible, f"{case_type.code}.{transition.name}"
