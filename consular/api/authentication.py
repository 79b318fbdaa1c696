"""Who is calling the API: an office's system with a bearer token, or a signed-in staff member."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from consular.offices.models import ApiClient, Office, Role, hash_token
from consular.offices.scoping import ACTOR_ATTRIBUTE, Actor


def active_client(token_hash: str) -> ApiClient | None:
    """The unrevoked client with this token: read from the database on every request.

    No cache, on purpose: a revocation (the admin, `manage.py revoke_api_client`, another web
    worker) must refuse the very next request, and a per-process cache cannot be told by
    another process. The lookup is one unique-index read, a fraction of a millisecond.
    """
    return ApiClient.unscoped.select_related("office").filter(token_hash=token_hash, revoked_at__isnull=True).first()


class ApiClientTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`; the client acts for its office, scoped like its staff."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return None
        token = token.strip()
        if not token:
            raise exceptions.AuthenticationFailed(_("The Authorization header has no token."))
        client = active_client(hash_token(token))
        if client is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has been revoked."))
        # API clients act with a clerk's reach in their own office; a prefectural office's own
        # system also records the prefecture's decisions (it approves or refuses passports).
        role = Role.OFFICER if client.office.kind == Office.Kind.PREFECTURE else Role.CLERK
        setattr(request._request, ACTOR_ATTRIBUTE, Actor(office=client.office, role=role, api_client=client))
        return client, client

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class VerifiedSessionAuthentication(SessionAuthentication):
    """Staff using the API from the browser: only after the second factor, and with CSRF checks."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, _auth = result
        if not user.is_verified():
            return None
        return result
