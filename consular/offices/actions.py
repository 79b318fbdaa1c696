"""Every write to offices, memberships, holidays and API clients."""

import secrets
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consular.audit.actions import Action, changes_between, record
from consular.offices.models import ApiClient, Holiday, Membership, Office, Role, hash_token
from consular.offices.scoping import ACTING_MEMBERSHIP_SESSION_KEY, Actor
from consular.versions import update_if_current

MANAGING_ROLES = {Role.SUPERVISOR, Role.ADMINISTRATOR}


def may_manage_office(actor: Actor, office: Office) -> bool:
    """Supervisors and administrators manage their own office; HQ administrators any office."""
    if actor.is_read_only or actor.role not in MANAGING_ROLES:
        return False
    return actor.office == office or (actor.office.kind == Office.Kind.HQ and actor.role == Role.ADMINISTRATOR)


def _ensure_may_manage(actor: Actor, office: Office) -> None:
    if not may_manage_office(actor, office):
        raise PermissionDenied("Only the office's supervisors and administrators may do this.")


class DateTaken(Exception):
    """The office already has a holiday on that day."""

    message = _("This office already has a holiday on that day.")


@transaction.atomic
def add_holiday(*, office: Office, date: date, name: str, by: Actor) -> Holiday:
    _ensure_may_manage(by, office)
    try:
        # The unique constraint is the check, so two clerks adding the same day at once
        # get one holiday and one clear refusal, never a server error.
        with transaction.atomic():
            holiday = Holiday.unscoped.create(office=office, date=date, name=name)
    except IntegrityError as clash:
        raise DateTaken from clash
    record(by=by, action=Action.CREATE, target=holiday,
           changes=changes_between({}, {"date": date, "name": name}))
    return holiday


def _stored(holiday: Holiday) -> dict:
    """The values in the database, not on an instance a form may already have changed."""
    return Holiday.unscoped.filter(pk=holiday.pk).values("date", "name").get()


@transaction.atomic
def change_holiday(holiday: Holiday, *, date: date, name: str, expected_version: int, by: Actor) -> Holiday:
    _ensure_may_manage(by, holiday.office)
    before = _stored(holiday)
    try:
        with transaction.atomic():
            update_if_current(holiday, expected_version, date=date, name=name)
    except IntegrityError as clash:
        raise DateTaken from clash
    record(by=by, action=Action.UPDATE, target=holiday, changes=changes_between(before, {"date": date, "name": name}))
    return holiday


@transaction.atomic
def remove_holiday(holiday: Holiday, *, expected_version: int, by: Actor) -> None:
    _ensure_may_manage(by, holiday.office)
    # Claim the row at the version the user saw, so a stale delete is a conflict too.
    update_if_current(holiday, expected_version)
    before = _stored(holiday)
    record(by=by, action=Action.DELETE, target=holiday,
           object_repr=f"{holiday.office.code} {before['date'].isoformat()} {before['name']}",
           changes=changes_between(before, {}))
    holiday.delete()


@transaction.atomic
def switch_office(request: HttpRequest, membership: Membership, *, by: Actor) -> None:
    """Act for another of one's own current memberships from the next request on."""
    if membership.user_id != by.user.pk:
        raise PermissionDenied("Not your membership.")
    request.session[ACTING_MEMBERSHIP_SESSION_KEY] = membership.pk
    record(by=by, action=Action.SWITCH_OFFICE, target=membership, request=request,
           changes={"office": [by.office.code, membership.office.code]})


@transaction.atomic
def create_api_client(*, office: Office, name: str, created_by: str) -> tuple[ApiClient, str]:
    """A new client and its token; the token is returned once and only its hash is kept."""
    token = f"csk_{secrets.token_urlsafe(32)}"
    client = ApiClient.unscoped.create(office=office, name=name, token_prefix=token[:12], token_hash=hash_token(token))
    record(by=None, username=created_by, action=Action.CREATE, target=client,
           changes={"api_client": [None, client.get_username()]})
    return client, token


@transaction.atomic
def revoke_api_client(client: ApiClient, *, by: Actor | None) -> None:
    """The token is refused from the next request on (every request reads the client); the row stays for the audit."""
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    record(by=by, action=Action.UPDATE, target=client, changes={"revoked_at": [None, client.revoked_at.isoformat()]})
