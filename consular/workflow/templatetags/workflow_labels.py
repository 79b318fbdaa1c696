"""Filters that put the workflow's codes into the reader's language: `{{ message.kind|message_kind }}`."""

from django import template

from consular.workflow.relay import kind_label

register = template.Library()


@register.filter
def message_kind(kind: str) -> str:
    return kind_label(kind)
