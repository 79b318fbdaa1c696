import time

from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from consular.offices.scoping import request_actor


class PrincipalRateThrottle(SimpleRateThrottle):
    """One budget per API client or staff member, else per address, counted in fixed windows.

    DRF's own throttle keeps a list of every request time in the window and rewrites the
    whole list on each request: at a generous rate (an office system syncing thousands of
    rows a minute) that list costs more than the request. A counter per window costs one
    cache increment whatever the rate; the price is that a client may spend up to twice
    its budget across a window boundary, which is acceptable for abuse protection.
    """

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

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        now = time.time()
        window = int(now // self.duration)
        key = f"{key}:{window}"
        # add() is a no-op when the counter exists; incr() is atomic in Redis and per process in memory.
        cache.add(key, 0, timeout=self.duration + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=self.duration + 1)
            count = 1
        self.seconds_left = (window + 1) * self.duration - now
        return count <= self.num_requests

    def wait(self) -> float:
        return self.seconds_left
