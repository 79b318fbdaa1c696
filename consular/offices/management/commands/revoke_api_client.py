from django.core.management.base import BaseCommand, CommandError
from django_scopes import scopes_disabled

from consular.offices.actions import revoke_api_client
from consular.offices.models import ApiClient


class Command(BaseCommand):
    help = "Revoke an API client's token: its next request is refused, in every web process."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="Office code, e.g. OSA")
        parser.add_argument("--name", required=True, help="The client system's name")

    def handle(self, *args, office: str, name: str, **options):
        with scopes_disabled():
            client = ApiClient.unscoped.select_related("office").filter(office__code=office.upper(), name=name).first()
            if client is None:
                raise CommandError(f"{office.upper()} has no API client named {name!r}.")
            if client.revoked_at is not None:
                when = f"{client.revoked_at:%Y-%m-%d %H:%M %Z}"
                raise CommandError(f"{client.get_username()} was already revoked at {when}.")
            revoke_api_client(client, by=None)
        self.stdout.write(f"Revoked {client.get_username()}; its token is refused from the next request on.")
