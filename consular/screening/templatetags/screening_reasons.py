from django import template

from consular.screening import reasons

register = template.Library()


@register.filter
def reason_text(reason) -> str:
    """A stored reason ({"text", "field"} or a plain string) in the reader's language."""
    text = reason.get("text", "") if isinstance(reason, dict) else str(reason)
    return reasons.translated(text)


@register.filter
def highlight_words(name: str, other: str):
    """`name` with the words it shares with `other` (letters compared without case) marked."""
    from django.utils.html import format_html, format_html_join

    from consular.identity.names import normalise

    shared = set(normalise(other or "").split())
    words = str(name or "").split()
    marked = [
        (
            format_html("<mark>{}</mark>", word)
            if normalise(word) and normalise(word) in shared
            else format_html("{}", word),
        )
        for word in words
    ]
    return format_html_join(" ", "{}", marked)
