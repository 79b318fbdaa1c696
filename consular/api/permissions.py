from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from consular.offices.scoping import request_actor


def is_accredited_agency(actor) -> bool:
    """An API client of a mission is an accredited agency (a travel agency submitting visa applications).

    It sees only what it submitted, so it may call only the views that say so (`for_accredited_agencies`):
    the cases, persons and offices APIs read with a clerk's reach over the whole mission.
    """
    from consular.offices.models import Office

    return actor.api_client is not None and actor.office.kind == Office.Kind.MISSION


class IsActingForAnOffice(BasePermission):
    """An authenticated caller acting for an office; auditors only read; agencies only where a view lets them."""

    message = _("You are not acting for any office.")

    def has_permission(self, request, view) -> bool:
        actor = request_actor(request._request)
        if actor is None:
            return False
        if actor.is_read_only and request.method not in SAFE_METHODS:
            self.message = _("Auditors have read-only access.")
            return False
        if is_accredited_agency(actor) and not getattr(view, "for_accredited_agencies", False):
            self.message = _("An accredited agency uses only the visa applications API.")
            return False
        return True
