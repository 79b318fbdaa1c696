from rest_framework.throttling import SimpleRateThrottle

from consular.offices.scoping import request_actor


class PrincipalRateThrottle(SimpleRateThrottle):
    """One budget per API client or staff member, else per address."""

    scope = "principal"

    def get_cache_key(self, request, view) -> str:
        actor = request_actor(request._request)
        if actor is not None and actor.api_client is not None:
            ident = f"client:{actor.api_client.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
