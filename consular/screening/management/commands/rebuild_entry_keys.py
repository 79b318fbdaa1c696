from django.core.management.base import BaseCommand
from django.db import transaction

from consular.screening.screening import rebuild_entry_keys


class Command(BaseCommand):
    help = "Rewrite the blocking keys of every watchlist entry in force (after a change to the name rules)."

    def handle(self, *args, **options):
        with transaction.atomic():
            written = rebuild_entry_keys()
        self.stdout.write(f"{written} keys written.")
