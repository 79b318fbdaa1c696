"""Every write to watchlists: importing an edition. HQ only, one transaction, one audit entry per import."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consular.audit.actions import Action, describe_change, record
from consular.offices.models import Office, Role
from consular.offices.scoping import SYSTEM_ROLE, Actor
from consular.screening.models import (
    EntryBirthDate,
    EntryDocument,
    EntryName,
    EntryNationality,
    EntryPlace,
    EntryVersion,
    ListEntry,
    Watchlist,
    WatchlistImport,
)
from consular.screening.records import Record
from consular.screening.screening_actions import entries_changed

for _key, _label in (("added", gettext_lazy("entries added")), ("changed", gettext_lazy("entries changed")),
                     ("delisted", gettext_lazy("entries delisted")), ("relisted", gettext_lazy("entries listed again")),
                     ("unchanged", gettext_lazy("entries unchanged")),
                     ("unresolved_countries", gettext_lazy("country names not resolved"))):
    describe_change(_key, _label, model="screening.watchlistimport")

ENTRY_FIELDS = ("kind", "reference", "primary_name", "name_parts", "native_name", "reason", "list_type", "listed_on")
CHILD_ROWS = (EntryName, EntryBirthDate, EntryPlace, EntryNationality, EntryDocument)
# How often an import tells its caller how far it is (an upload's job page shows it).
PROGRESS_EVERY = 500

Progress = Callable[[int, int], None]  # (entries compared so far, entries in the file)


@dataclass
class ImportReport:
    watchlist: str
    edition: datetime
    already_imported: bool = False
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    delisted: list[str] = field(default_factory=list)
    relisted: list[str] = field(default_factory=list)
    unchanged: int = 0
    unresolved_countries: list[str] = field(default_factory=list)
    run: WatchlistImport | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "delisted": len(self.delisted),
                "relisted": len(self.relisted), "unchanged": self.unchanged}


class EditionRefused(ValidationError):
    """An edition older than the one last imported: importing it would undo newer listings."""


def _ensure_hq(by: Actor) -> None:
    if by.office.kind != Office.Kind.HQ or by.role not in (Role.HQ_OFFICER, SYSTEM_ROLE):
        raise PermissionDenied(_("Watchlists are managed by HQ officers."))


@transaction.atomic
def import_watchlist(
    watchlist: Watchlist,
    records: Sequence[Record],
    *,
    by: Actor,
    edition: datetime,
    source_sha256: str,
    file_format: str,
    file_name: str = "",
    unresolved_countries: set[str] | frozenset[str] = frozenset(),
    progress: Progress | None = None,
) -> ImportReport:
    """Bring `watchlist` to the edition `records` are: new entries added, changed ones versioned, missing ones delisted.

    An entry is compared with its stored version by fingerprint alone, so an unchanged entry
    costs no query and no write. Re-importing a file already imported writes nothing.
    `progress`, when given, is called with (compared, total) as the file's entries are compared
    and once more when everything is written; it runs inside this transaction, so it must not
    write to the database (an upload keeps its live progress in the cache).
    """
    _ensure_hq(by)
    watchlist = Watchlist.objects.select_for_update().get(pk=watchlist.pk)  # one import of a list at a time
    report = ImportReport(watchlist=watchlist.code, edition=edition,
                          unresolved_countries=sorted(unresolved_countries))
    if watchlist.imports.filter(source_sha256=source_sha256).exists():
        report.already_imported = True
        report.unchanged = watchlist.entries.filter(delisted_on__isnull=True).count()
        return report
    latest = watchlist.imports.order_by("-edition").values_list("edition", flat=True).first()
    if latest is not None and edition < latest:
        raise EditionRefused(
            _("This edition (%(edition)s) is older than the one last imported (%(latest)s): it is refused."),
            params={"edition": edition.isoformat(), "latest": latest.isoformat()},
            code="older_edition",
        )
    # Another file of the edition already imported is an excerpt or an edited copy: taking it as
    # the whole list would delist everything it leaves out.
    if latest is not None and edition == latest:
        raise EditionRefused(
            _("A different file of this edition (%(edition)s) was already imported: an excerpt or an edited "
              "copy is refused."),
            params={"edition": edition.isoformat()},
            code="same_edition",
        )
    by_key: dict[str, Record] = {}
    for found in records:
        if found.source_key in by_key:
            raise ValidationError(_("The file lists %(key)s twice."), params={"key": found.source_key},
                                  code="duplicate_key")
        by_key[found.source_key] = found

    now = timezone.now()
    run = WatchlistImport.objects.create(
        watchlist=watchlist, format=file_format, file_name=file_name[:255], source_sha256=source_sha256,
        edition=edition, unresolved_countries=report.unresolved_countries, imported_by=by.name,
        office_code=by.office.code,
    )
    stored = {
        key: (pk, fingerprint, version, delisted_on)
        for key, pk, fingerprint, version, delisted_on in watchlist.entries.values_list(
            "source_key", "pk", "fingerprint", "version", "delisted_on"
        )
    }
    new_entries: list[ListEntry] = []
    updated_entries: list[ListEntry] = []  # changed or listed again
    rewritten_entries: list[ListEntry] = []  # whose names, dates, documents … changed
    versions: list[EntryVersion] = []
    total = len(by_key)
    for compared, (key, found) in enumerate(by_key.items()):
        if progress is not None and compared % PROGRESS_EVERY == 0:
            progress(compared, total)
        fingerprint = found.fingerprint()
        if key not in stored:
            new_entries.append(ListEntry(watchlist=watchlist, source_key=key, version=1, fingerprint=fingerprint,
                                         updated_at=now, **_entry_values(found)))
            report.added.append(key)
            continue
        pk, old_fingerprint, version, delisted_on = stored[key]
        if old_fingerprint == fingerprint and delisted_on is None:
            report.unchanged += 1
            continue
        entry = ListEntry(pk=pk, watchlist=watchlist, source_key=key, version=version + 1, fingerprint=fingerprint,
                          updated_at=now, delisted_on=None, **_entry_values(found))
        updated_entries.append(entry)
        if old_fingerprint != fingerprint:
            rewritten_entries.append(entry)
        # A delisted entry that reappears is listed again, whether or not the list also changed it.
        if delisted_on is not None:
            change = EntryVersion.Change.RELISTED
            report.relisted.append(key)
        else:
            change = EntryVersion.Change.CHANGED
            report.changed.append(key)
        versions.append(EntryVersion(entry=entry, version=entry.version, change=change, snapshot=found.snapshot(),
                                     changed_at=now, made_by=run))

    ListEntry.objects.bulk_create(new_entries, batch_size=500)
    for entry in new_entries:
        versions.append(EntryVersion(entry=entry, version=1, change=EntryVersion.Change.ADDED,
                                     snapshot=by_key[entry.source_key].snapshot(), changed_at=now, made_by=run))
    if updated_entries:
        ListEntry.objects.bulk_update(
            updated_entries,
            [*ENTRY_FIELDS, "version", "fingerprint", "updated_at", "delisted_on"],
            batch_size=500,
        )
    # Children of changed entries are replaced whole: a list's edition says everything about an entry.
    changed_ids = [entry.pk for entry in rewritten_entries]
    for model in CHILD_ROWS:
        for start in range(0, len(changed_ids), 500):
            model.objects.filter(entry_id__in=changed_ids[start:start + 500]).delete()
    _create_children([(entry, by_key[entry.source_key]) for entry in new_entries + rewritten_entries])

    delisted_on = edition.date()
    missing = [(key, pk, version) for key, (pk, _f, version, delisted) in stored.items()
               if key not in by_key and delisted is None]
    if missing:
        last_snapshots = dict(
            EntryVersion.objects.filter(entry_id__in=[pk for _key, pk, _version in missing])
            .order_by("entry_id", "version").values_list("entry_id", "snapshot")
        )  # ordered by version, so the dict keeps each entry's latest
        delisted_entries = []
        for key, pk, version in missing:
            entry = ListEntry(pk=pk, version=version + 1, delisted_on=delisted_on, updated_at=now)
            delisted_entries.append(entry)
            versions.append(EntryVersion(entry=entry, version=version + 1, change=EntryVersion.Change.DELISTED,
                                         snapshot=last_snapshots.get(pk, {}), delisted_on=delisted_on,
                                         changed_at=now, made_by=run))
            report.delisted.append(key)
        ListEntry.objects.bulk_update(delisted_entries, ["version", "delisted_on", "updated_at"], batch_size=500)
    EntryVersion.objects.bulk_create(versions, batch_size=500)

    # Screening: the touched entries' blocking keys now, and what they affect re-screened once this commits.
    entries_changed(run, [entry.pk for entry in new_entries + updated_entries] + [pk for _k, pk, _v in missing])

    for name, value in report.counts.items():
        setattr(run, name, value)
    run.save(update_fields=list(report.counts))
    report.run = run
    record(by=by, action=Action.CREATE, target=run,
           changes={**{name: [None, value] for name, value in report.counts.items()},
                    "unresolved_countries": [None, "; ".join(report.unresolved_countries)]})
    if progress is not None:
        progress(total, total)
    return report


class WatchlistStateChanged(ValidationError):
    """Someone else switched the list on or off since the page was read: nothing is written."""


@transaction.atomic
def set_watchlist_active(watchlist: Watchlist, *, active: bool, by: Actor) -> Watchlist:
    """Switch screening against `watchlist` on or off; refused if it is already so (another officer was first)."""
    _ensure_hq(by)
    # A conditional UPDATE: of two officers who both saw the list on, only the first switches it off.
    if not Watchlist.objects.filter(pk=watchlist.pk, active=not active).update(active=active):
        raise WatchlistStateChanged(
            _("This list was already switched on by someone else.") if active
            else _("This list was already switched off by someone else."),
            code="stale",
        )
    watchlist.active = active
    record(by=by, action=Action.UPDATE, target=watchlist, changes={"active": [not active, active]})
    return watchlist


def _entry_values(found: Record) -> dict:
    return {
        "kind": found.kind,
        "reference": found.reference[:64],
        "primary_name": found.primary_name[:500],
        "name_parts": list(found.name_parts),
        "native_name": found.native_name[:500],
        "reason": found.reason,
        "list_type": found.list_type[:64],
        "listed_on": found.listed_on,
    }


def _create_children(pairs: list[tuple[ListEntry, Record]]) -> None:
    names, births, places, nationalities, documents = [], [], [], [], []
    for entry, found in pairs:
        names += [EntryName(entry=entry, full_name=name.full_name[:500], quality=name.quality, script=name.script,
                            position=name.position, note=name.note[:500]) for name in found.names]
        births += [EntryBirthDate(entry=entry, kind=birth.kind, date=birth.date, from_year=birth.from_year,
                                  to_year=birth.to_year, approximate=birth.approximate, note=birth.note[:500])
                   for birth in found.birth_dates]
        places += [EntryPlace(entry=entry, city=place.city[:200], region=place.region[:200], country=place.country,
                              country_as_published=place.country_as_published[:200], note=place.note[:500])
                   for place in found.birth_places]
        nationalities += [EntryNationality(entry=entry, country=nationality.country,
                                           as_published=nationality.as_published[:200])
                          for nationality in found.nationalities]
        documents += [EntryDocument(entry=entry, kind=document.kind, type_as_published=document.type_as_published[:200],
                                    number=document.number[:64], number_as_published=document.number_as_published[:200],
                                    issuing_country=document.issuing_country,
                                    issuing_country_as_published=document.issuing_country_as_published[:200],
                                    status=document.status, note=document.note)
                      for document in found.documents]
    for model, rows in ((EntryName, names), (EntryBirthDate, births), (EntryPlace, places),
                        (EntryNationality, nationalities), (EntryDocument, documents)):
        model.objects.bulk_create(rows, batch_size=1000)
