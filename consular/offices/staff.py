"""Members of staff as pages show them: by full name, with the username the records store on hover.

History, the audit log and the checks on an application copy the username (the record stays
true after someone leaves or is renamed); a reader wants the person. Names are looked up at
display time, many at once, and a username nobody holds any more is shown as it was stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from consular.offices.models import Role
from consular.offices.scoping import SYSTEM_ROLE

# An API client's principal, as ApiClient.get_username() writes it: "api:<office code>:<client name>".
API_PREFIX = "api:"


@dataclass(frozen=True)
class StaffName:
    username: str
    full_name: str = ""

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def differs(self) -> bool:
        """Whether the username adds anything to the name shown (it is the hover text)."""
        return bool(self.full_name) and self.full_name != self.username


def _known_without_lookup(username: str) -> StaffName | None:
    if username == SYSTEM_ROLE:
        return StaffName(username, str(_("System (automatic)")))
    if username.startswith(API_PREFIX):
        office, _sep, client = username.removeprefix(API_PREFIX).partition(":")
        return StaffName(username, str(_("%(client)s (system of %(office)s)") % {"client": client, "office": office}))
    return None


def staff_names(usernames: Iterable[str]) -> dict[str, StaffName]:
    """Each username's StaffName, in one query whatever the number of names."""
    names: dict[str, StaffName] = {}
    wanted = set()
    for username in usernames:
        if not username or username in names:
            continue
        known = _known_without_lookup(username)
        if known is not None:
            names[username] = known
        else:
            wanted.add(username)
    if wanted:
        user_model = get_user_model()
        field = user_model.USERNAME_FIELD
        for user in user_model._default_manager.filter(**{f"{field}__in": wanted}):
            names[user.get_username()] = StaffName(user.get_username(), user.get_full_name().strip())
    for username in wanted - set(names):
        names[username] = StaffName(username)
    return names


def staff_name(username: str) -> StaffName:
    return staff_names([username]).get(username, StaffName(username))


def role_label(role: str) -> str:
    """A role code (as history and the audit log store it) in the reader's language."""
    if role == SYSTEM_ROLE:
        return str(_("System"))
    if role in Role.values:
        return str(Role(role).label)
    return role
