"""Every change to a user's sign-in factors, each audited."""

import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from consular.audit.actions import Action, Phrase, describe_change, record
from consular.offices.scoping import Actor

# What these entries say, stored in English and shown in the reader's language.
describe_change("device", gettext_lazy("sign-in method"))
describe_change("backup_codes", gettext_lazy("backup codes"))
AUTHENTICATOR_ADDED = Phrase(gettext_noop("authenticator app added"))
PASSKEY_ADDED = Phrase(gettext_noop("passkey added"))
REGENERATED = Phrase(gettext_noop("regenerated"))
REMOVED = Phrase(gettext_noop("removed"))
PASSWORD_SET = Phrase(gettext_noop("(set)"))
PASSWORD_CHANGED = Phrase(gettext_noop("(changed)"))

BACKUP_CODE_COUNT = 10
BACKUP_CODE_LENGTH = 8  # authenticator codes have 6 digits, so the two never look alike


def start_totp_enrolment(user: AbstractBaseUser) -> TOTPDevice:
    """An unconfirmed authenticator: it counts only once the user proves it with a code."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=gettext("Authenticator app"), confirmed=False)


@transaction.atomic
def confirm_totp_device(
    device: TOTPDevice, *, by_user: AbstractBaseUser, actor: Actor | None, request: HttpRequest
) -> None:
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(by=actor, username=by_user.get_username(), action=Action.SECOND_FACTOR, target=device,
           changes={"device": [None, AUTHENTICATOR_ADDED()]}, request=request)


@transaction.atomic
def regenerate_backup_codes(user: AbstractBaseUser, *, by: Actor | None, request: HttpRequest) -> list[str]:
    """Replace all backup codes with new ones; the old ones stop working at once."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes", defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**BACKUP_CODE_LENGTH):0{BACKUP_CODE_LENGTH}d}" for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    record(by=by, username=user.get_username(), action=Action.SECOND_FACTOR, target=device,
           changes={"backup_codes": [None, REGENERATED()]}, request=request)
    return codes


@transaction.atomic
def change_password(form, *, by: Actor | None, request: HttpRequest) -> None:
    """Save a validated PasswordChangeForm; the audit entry never holds the password itself."""
    form.save()
    record(by=by, username=form.user.get_username(), action=Action.UPDATE, target=form.user,
           object_repr=form.user.get_username(), changes={"password": [PASSWORD_SET(), PASSWORD_CHANGED()]},
           request=request)


def is_last_authenticator_app(device) -> bool:
    """Re-authentication takes a typed code, so every user keeps one authenticator app."""
    return isinstance(device, TOTPDevice) and not (
        TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).exists()
    )


@transaction.atomic
def remove_device(device, *, by: Actor, request: HttpRequest) -> None:
    description = f"{device._meta.verbose_name}: {device.name}"
    record(by=by, action=Action.SECOND_FACTOR, target=device,
           changes={"device": [description, REMOVED()]}, request=request)
    device.delete()
