"""How the OpenAPI schema describes our two ways of authenticating."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ApiClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "consular.api.authentication.ApiClientTokenAuthentication"
    name = "officeToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An office system's token from `manage.py create_api_client`.",
        }


class VerifiedSessionScheme(SessionScheme):
    target_class = "consular.api.authentication.VerifiedSessionAuthentication"
