import hashlib
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from consular.offices.models import Office
from consular.offices.scoping import Actor
from consular.screening.actions import import_watchlist
from consular.screening.models import Watchlist
from consular.screening.records import WatchlistFileError
from consular.screening.uploads import read_edition

DEFAULT_WATCHLIST = {"un-sc": "un-sc", "csv-national": "national", "csv-documents": "lost-documents"}


class Command(BaseCommand):
    help = "Import an edition of a watchlist (the UN consolidated list's XML, or a national CSV) as the system."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=list(DEFAULT_WATCHLIST), dest="file_format")
        parser.add_argument("file", type=Path)
        parser.add_argument("--watchlist", help="Watchlist code (default: un-sc, national or lost-documents)")
        parser.add_argument("--edition", type=date.fromisoformat,
                            help="CSV only: the list's date, YYYY-MM-DD (default: now)")

    def handle(self, *args, **options):
        with translation.override("en"):  # an operator's console, in English like every other command
            self._import(**options)

    def _import(self, *, file_format: str, file: Path, watchlist: str | None, edition: date | None, **options):
        code = watchlist or DEFAULT_WATCHLIST[file_format]
        found = Watchlist.objects.filter(code=code).first()
        if found is None:
            known = ", ".join(Watchlist.objects.values_list("code", flat=True))
            raise CommandError(f"No watchlist with code {code!r}. Known: {known}")
        hq = Office.directory.filter(kind=Office.Kind.HQ).order_by("pk").first()
        if hq is None:
            raise CommandError("There is no HQ office to import as.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}.") from error
        try:
            read = read_edition(content, file_format, edition)  # a CSV without --edition: now
            report = import_watchlist(
                found, read.records, by=Actor.system(hq), edition=read.generated,
                source_sha256=hashlib.sha256(content).hexdigest(), file_format=file_format, file_name=file.name,
                unresolved_countries=read.unresolved_countries,
            )
        except WatchlistFileError as error:
            raise CommandError(f"{file}: {error}") from error
        except ValidationError as error:
            raise CommandError(f"{file}: {' '.join(error.messages)}") from error
        self.print_report(report, file)

    def print_report(self, report, file: Path) -> None:
        edition = f"{report.edition:%Y-%m-%d %H:%M %Z}".strip()
        if report.already_imported:
            self.stdout.write(f"{file.name} was already imported into {report.watchlist}: nothing changed "
                              f"({report.unchanged} entries listed).")
            return
        self.stdout.write(f"{report.watchlist}, edition {edition}, from {file.name}:")
        width = max(len(name) for name in report.counts)
        for name, count in report.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>6}")
        if report.unresolved_countries:
            self.stdout.write(f"Country names not resolved ({len(report.unresolved_countries)}), kept as published:")
            for name in report.unresolved_countries:
                self.stdout.write(f"  {name}")
        else:
            self.stdout.write("Every country name resolved.")

