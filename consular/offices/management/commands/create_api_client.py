from django.core.management.base import BaseCommand, CommandError

from consular.offices.actions import create_api_client
from consular.offices.models import ApiClient, Office


class Command(BaseCommand):
    help = "Create an API client for an office and print its token once (only a hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="Office code, e.g. OSA")
        parser.add_argument("--name", required=True, help="The client system's name")

    def handle(self, *args, office: str, name: str, **options):
        found = Office.directory.filter(code=office.upper()).first()
        if found is None:
            known = ", ".join(Office.directory.values_list("code", flat=True))
            raise CommandError(f"No office with code {office!r}. Known: {known}")
        if ApiClient.unscoped.filter(office=found, name=name).exists():
            raise CommandError(f"{found.code} already has a client named {name!r}.")
        client, token = create_api_client(office=found, name=name, created_by="manage.py create_api_client")
        self.stdout.write(f"Created API client {client.get_username()}.")
        self.stdout.write("Token (shown once, store it now):")
        self.stdout.write(token)
