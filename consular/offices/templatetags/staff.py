"""`{% staff_name who %}`: a member of staff by full name, the stored username on hover and for screen readers.

`who` is a StaffName (lists resolve theirs in bulk with `consular.offices.staff.staff_names`)
or a username; usernames are looked up once per request, however often a page names them.
"""

from weakref import WeakKeyDictionary

from django import template
from django.http import HttpRequest
from django.utils.html import format_html

from consular.offices.staff import StaffName, role_label, staff_names

register = template.Library()

# Per request, so a page naming the same clerk on every checklist line asks the database once.
_resolved: WeakKeyDictionary[HttpRequest, dict[str, StaffName]] = WeakKeyDictionary()


def _resolve(context: template.Context, username: str) -> StaffName:
    request = context.get("request")
    memo = _resolved.setdefault(request, {}) if isinstance(request, HttpRequest) else {}
    if username not in memo:
        memo.update(staff_names([username]))
    return memo.get(username, StaffName(username))


@register.simple_tag(takes_context=True)
def staff_name(context: template.Context, who: StaffName | str | None) -> str:
    if not who:
        return "—"
    name = who if isinstance(who, StaffName) else _resolve(context, str(who))
    if not name.differs:
        return format_html('<span class="staff-name">{}</span>', name)
    return format_html(
        '<span class="staff-name" title="{username}">{name}<span class="visually-hidden"> ({username})</span></span>',
        username=name.username,
        name=name,
    )


@register.filter
def role(code: str) -> str:
    """A role code in the reader's language."""
    return role_label(code) if code else "—"
