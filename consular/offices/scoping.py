"""The one place that decides which rows an acting office may see.

A request runs inside a django-scopes scope holding the request (set by
`ActingOfficeMiddleware`); tasks and commands open `scope(actor=...)` or, for system
work that must see every office, `scopes_disabled()`. A scoped model's default
manager filters by the current actor; with no scope at all it refuses to query
instead of returning every office's rows.

Rules: HQ staff and auditors see every office; everyone else (mission and
prefectural staff, API clients) sees their acting office only. Auditors never write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django_scopes import get_scope
from django_scopes.manager import DisabledQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest

    from consular.offices.models import ApiClient, Membership, Office


SYSTEM_ROLE = "system"  # not a staff role: only periodic jobs act in it


@dataclass(frozen=True)
class Actor:
    """Who is acting, for which office, in which role."""

    office: Office
    role: str
    user: AbstractBaseUser | None = None
    membership: Membership | None = None
    api_client: ApiClient | None = None

    @property
    def sees_all_offices(self) -> bool:
        from consular.offices.models import Office, Role

        return self.office.kind == Office.Kind.HQ or self.role == Role.AUDITOR

    @property
    def is_read_only(self) -> bool:
        from consular.offices.models import Role

        return self.role == Role.AUDITOR

    @classmethod
    def system(cls, office: Office) -> Actor:
        """Periodic jobs acting on an office's cases (e.g. a passport lapsing): named "system" in history."""
        return cls(office=office, role=SYSTEM_ROLE)

    @property
    def name(self) -> str:
        if self.role == SYSTEM_ROLE:
            return SYSTEM_ROLE
        if self.api_client is not None:
            return self.api_client.get_username()
        return self.user.get_username() if self.user is not None else ""

    @property
    def handles_cases(self) -> bool:
        """Everyone but auditors works on cases; auditors only read."""
        return not self.is_read_only

    @property
    def may_use_admin(self) -> bool:
        from consular.offices.models import Role

        return self.role == Role.ADMINISTRATOR and self.user is not None and self.user.is_staff


ACTOR_ATTRIBUTE = "_consular_actor"


def request_actor(request: HttpRequest) -> Actor | None:
    """The actor of a request: an API client, or the signed-in, verified staff member's acting membership."""
    actor = getattr(request, ACTOR_ATTRIBUTE, None)
    if actor is not None:
        return actor
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "is_verified", lambda: False)():
        return None
    membership = acting_membership(request, user)
    if membership is None:
        return None
    actor = Actor(office=membership.office, role=membership.role, user=user, membership=membership)
    setattr(request, ACTOR_ATTRIBUTE, actor)
    return actor


def acting_actor(request) -> Actor:
    """The request's actor, or 403 for a signed-in user with no current assignment (pages and API alike)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    actor = request_actor(request)
    if actor is None:
        raise PermissionDenied(_("You have no current assignment at any office."))
    return actor


ACTING_MEMBERSHIP_SESSION_KEY = "acting_membership_id"
MEMBERSHIPS_ATTRIBUTE = "_consular_memberships"


def current_memberships(request: HttpRequest, user: AbstractBaseUser) -> list[Membership]:
    """The user's current memberships, read once per request (the actor and the page header's switcher share it)."""
    from consular.offices.models import Membership

    memberships = getattr(request, MEMBERSHIPS_ATTRIBUTE, None)
    if memberships is None:
        # Earliest start first: the home posting is the default, later temporary ones are switched to.
        memberships = list(
            Membership.unscoped.current().filter(user=user).select_related("office").order_by("starts_on", "pk")
        )
        setattr(request, MEMBERSHIPS_ATTRIBUTE, memberships)
    return memberships


def acting_membership(request: HttpRequest, user: AbstractBaseUser) -> Membership | None:
    """The membership chosen in this session, if still current, else the user's first current one."""
    memberships = current_memberships(request, user)
    if not memberships:
        return None
    chosen = request.session.get(ACTING_MEMBERSHIP_SESSION_KEY)
    for membership in memberships:
        if membership.pk == chosen:
            return membership
    return memberships[0]


def current_actor() -> Actor | None:
    scope = get_scope()
    if "actor" in scope:
        return scope["actor"]
    if "request" in scope:
        return request_actor(scope["request"])
    return None


class ScopedQuerySet(models.QuerySet):
    """A scoped model names the path from its rows to their office in `office_scope`."""

    def visible_to(self, actor: Actor | None) -> ScopedQuerySet:
        """Rows this actor may read."""
        if actor is None:
            return self.none()
        if actor.sees_all_offices:
            return self
        return self.filter(**{self.model.office_scope: actor.office.pk})


class OfficeScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    """Filters by the current scope's actor through the queryset's `visible_to`; refuses to query outside any scope.

    A model with its own visibility rule (the audit log) gives its queryset class its own
    `visible_to` and uses `OfficeScopedManager.from_queryset(ThatQuerySet)()`.
    """

    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        scope = get_scope()
        if not scope.get("_enabled", True):
            return queryset
        if "actor" not in scope and "request" not in scope:
            return DisabledQuerySet(self.model, using=self._db, missing_scopes=["actor"])
        return queryset.visible_to(current_actor())
