from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PassportsConfig(AppConfig):
    name = "passports"
    verbose_name = _("Passports")

    def ready(self) -> None:
        from passports import transitions  # noqa: F401  registers the passport case type
