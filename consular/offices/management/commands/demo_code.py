from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from consular.offices import demo


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo user."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        if not settings.DEBUG:
            raise CommandError("Only for the demo data, with DEBUG on.")
        try:
            self.stdout.write(demo.demo_code(username))
        except TOTPDevice.DoesNotExist as missing:
            raise CommandError(f"{username} has no demo authenticator; run manage.py seed_demo.") from missing
