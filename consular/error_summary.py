"""`{% error_summary %}`: the errors of every form on a page, at its top, each linking to its field.

base.html calls it once at the top of <main>, so every page with a form gets the summary
without asking for it: a failed submit reloads at the top of the page, and the summary is
the first thing there (static/js/forms.js moves focus to it). Each field keeps its own
errors next to it too (templates/includes/field.html).

The forms are found in the template context: a form given to the template directly, or one
level down, in a list, tuple or dataclass instance (e.g. the passport page's checklist rows,
each with its own form). A ground-floor module: it imports no app.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from django import template
from django.forms import BaseForm

register = template.Library()

# Rows looked into for forms, per list: a page never has more forms than this, and lists of
# results (hundreds of rows) should not cost a walk.
ROWS_LOOKED_AT = 200


@dataclass(frozen=True)
class SummaryLine:
    message: str
    target: str  # the id of the invalid field's input, "" for an error of the whole form
    label: str


def forms_in(context: template.Context) -> list[BaseForm]:
    """Every form in the context, once each, in the order the view put them there."""
    found: list[BaseForm] = []

    def add(value: object, depth: int) -> None:
        if isinstance(value, BaseForm):
            if not any(value is form for form in found):
                found.append(value)
        elif depth and isinstance(value, list | tuple):
            for item in value[:ROWS_LOOKED_AT]:
                add(item, depth - 1)
        elif depth and isinstance(value, dict):  # a page's forms by name: {"approve": …, "refuse": …}
            for item in list(value.values())[:ROWS_LOOKED_AT]:
                add(item, depth - 1)
        elif depth and dataclasses.is_dataclass(value) and not isinstance(value, type):
            for field in dataclasses.fields(value):
                add(getattr(value, field.name), depth - 1)

    for value in context.flatten().values():
        add(value, depth=2)
    return found


def summary_lines(forms: list[BaseForm]) -> list[SummaryLine]:
    lines: list[SummaryLine] = []
    for form in forms:
        if not form.is_bound or not form.errors:
            continue
        lines += [SummaryLine(str(message), "", "") for message in form.non_field_errors()]
        # A form whose page renders a field by hand (e.g. ticks in table rows) names its error list's id.
        targets: dict[str, str] = getattr(form, "error_summary_targets", {})
        for field in form:
            for message in field.errors:
                if field.name in targets:
                    lines.append(SummaryLine(str(message), targets[field.name], str(field.label)))
                elif field.is_hidden:
                    lines.append(SummaryLine(str(message), "", ""))
                else:
                    lines.append(SummaryLine(str(message), field.id_for_label or field.auto_id, str(field.label)))
    return lines


@register.inclusion_tag("includes/error_summary.html", takes_context=True)
def error_summary(context: template.Context) -> dict:
    return {"lines": summary_lines(forms_in(context))}


def add_errors(form: BaseForm, error) -> None:
    """Each message of an action's ValidationError next to its field (a visible one), or at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(
            field if field in form.fields and not form.fields[field].widget.is_hidden else None, field_messages
        )
