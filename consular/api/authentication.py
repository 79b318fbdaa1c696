"""Who is calling the API: an office's system with a bearer token, or a signed-in staff member."""

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication

from consular.offices.models import ApiClient, Office, Role, hash_token
from consular.offices.scoping import ACTOR_ATTRIBUTE, Actor


def active_client(token_hash: str) -> ApiClient | None:
    """The unrevoked client with this token, from the cache for up to a minute.

    Every request of every office system authenticates, so the lookup is cached;
    `revoke_api_client` deletes the entry when it commits, so revocation is immediate
    wherever the cache is shared (Redis in production, the one web process of the
    embedded default). Unknown tokens are never cached.
    """
    key = ApiClient.cache_key(token_hash)
    client = cache.get(key)
    if client is None:
        client = (
            ApiClient.unscoped.select_related("office").filter(token_hash=token_hash, revoked_at__isnull=True).first()
        )
        if client is not None:
            cache.set(key, client, timeout=ApiClient.CACHE_SECONDS)
    return client


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
