from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def proxy_count_matches_tls_proxy(app_configs, **kwargs):
    """Behind a TLS proxy every request comes from the proxy's address unless we know how many hops to trust."""
    if settings.SECURE_PROXY_SSL_HEADER and settings.TRUSTED_PROXY_COUNT == 0:
        return [
            Warning(
                "BEHIND_TLS_PROXY is set but TRUSTED_PROXY_COUNT is 0: lock-out and the audit log would see "
                "only the proxy's address, so one person could lock a username out for everyone.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For.",
                id="consular.W001",
            )
        ]
    return []
