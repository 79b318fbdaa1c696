from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisasConfig(AppConfig):
    name = "visas"
    verbose_name = _("Visas")

    def ready(self) -> None:
        from visas import screening, transitions  # noqa: F401  the visa case type, and the screening receiver
