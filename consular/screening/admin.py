from django.contrib import admin

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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Entries change only through imports (`consular.screening.actions`), which version and audit them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class NameInline(ReadOnlyInline):
    model = EntryName


class BirthDateInline(ReadOnlyInline):
    model = EntryBirthDate


class PlaceInline(ReadOnlyInline):
    model = EntryPlace


class NationalityInline(ReadOnlyInline):
    model = EntryNationality


class DocumentInline(ReadOnlyInline):
    model = EntryDocument


class VersionInline(ReadOnlyInline):
    model = EntryVersion
    fields = ["version", "change", "delisted_on", "changed_at", "made_by"]


@admin.register(Watchlist)
class WatchlistAdmin(ReadOnlyAdmin):
    list_display = ["code", "kind", "name", "active"]


@admin.register(WatchlistImport)
class WatchlistImportAdmin(ReadOnlyAdmin):
    list_display = ["watchlist", "edition", "imported_at", "imported_by", "added", "changed", "delisted",
                    "relisted", "unchanged"]
    list_filter = ["watchlist"]


@admin.register(ListEntry)
class ListEntryAdmin(ReadOnlyAdmin):
    list_display = ["reference", "primary_name", "watchlist", "kind", "list_type", "listed_on", "delisted_on",
                    "version"]
    list_filter = ["watchlist", "kind", "list_type"]
    search_fields = ["reference", "source_key", "primary_name", "names__full_name"]
    inlines = [NameInline, BirthDateInline, PlaceInline, NationalityInline, DocumentInline, VersionInline]
