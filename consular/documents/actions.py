"""Writes of the documents floor: revoking a sealed document, published at once on the revocation list."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from consular.audit.actions import Action, record
from consular.documents.models import RevokedSeal
from consular.offices.scoping import Actor


class AlreadyRevoked(Exception):
    """The document is on the list already; `entry` says since when and why."""

    def __init__(self, entry: RevokedSeal) -> None:
        super().__init__(str(entry))
        self.entry = entry


@transaction.atomic
def revoke_sealed_document(*, issuing_state: str, number: str, reason: str, by: Actor | None) -> RevokedSeal:
    """The seal of this document verifies as revoked from now on (`by` None: the system, e.g. a command)."""
    existing = RevokedSeal.objects.filter(issuing_state=issuing_state, number=number).first()
    if existing is not None:
        raise AlreadyRevoked(existing)
    try:
        with transaction.atomic():
            entry = RevokedSeal.objects.create(issuing_state=issuing_state, number=number, reason=reason,
                                               revoked_at=timezone.now(), revoked_by=by.name if by else "system")
    except IntegrityError as raced:  # a second revocation committed between the check and the insert
        raise AlreadyRevoked(RevokedSeal.objects.get(issuing_state=issuing_state, number=number)) from raced
    record(by=by, action=Action.CREATE, target=entry, object_repr=str(entry),
           changes={"reason": [None, reason]})
    return entry
