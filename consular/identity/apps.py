from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "consular.identity"
    label = "identity"
