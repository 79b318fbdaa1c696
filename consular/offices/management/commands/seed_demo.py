from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import module_has_submodule

from consular.offices import demo


class Command(BaseCommand):
    help = "Load the demo offices, staff (with second factors) and API client. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, quiet: bool = False, **options):
        if not settings.DEBUG:
            raise CommandError("Demo data has known passwords: it is only loaded with DEBUG on.")
        demo.seed()
        # Each app may ship a `demo` module with seed(); found by name so the core imports no domain.
        for config in apps.get_app_configs():
            if config.name != "consular.offices" and module_has_submodule(config.module, "demo"):
                import_module(f"{config.name}.demo").seed()
        if quiet:
            return
        self.stdout.write(f"Demo logins (password for all: {demo.DEMO_PASSWORD}):")
        for username, full_name, memberships, _staff in demo.STAFF:
            where = ", ".join(f"{role.label} @ {code}" for code, role in memberships)
            self.stdout.write(f"  {username:<16} {full_name:<16} {where}")
        self.stdout.write("Second factor: .venv/bin/python manage.py demo_code USERNAME prints the current code.")
        self.stdout.write(f"API token of the Osaka prefectural system: {demo.DEMO_API_TOKEN}")
