from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from consular.offices.scoping import request_actor


class IsActingForAnOffice(BasePermission):
    """An authenticated caller acting for an office; auditors only read."""

    message = _("You are not acting for any office.")

    def has_permission(self, request, view) -> bool:
        actor = request_actor(request._request)
        if actor is None:
            return False
        if actor.is_read_only and request.method not in SAFE_METHODS:
            self.message = _("Auditors have read-only access.")
            return False
        return True
