"""The client's address, as the lock-out and the audit log see it."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the last trusted proxy saw when behind TRUSTED_PROXY_COUNT proxies.

    Only the entries our own proxies appended are trusted; anything further left in
    X-Forwarded-For was written by the client and could be forged.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")
