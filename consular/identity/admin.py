from django.contrib import admin

from consular.identity.models import IdentityDocument, Person


class ReadOnlyAdmin(admin.ModelAdmin):
    """Persons and documents change only through `consular.identity.actions`, which check versions and audit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IdentityDocumentInline(admin.TabularInline):
    model = IdentityDocument
    extra = 0
    fields = ["kind", "issuing_state", "number", "issued_on", "expires_on", "status"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = [
        "family_name",
        "given_names",
        "family_name_native",
        "given_names_native",
        "date_of_birth_display",
        "sex",
        "created_by_office",
    ]
    list_filter = ["sex", "created_by_office"]
    search_fields = ["family_name", "given_names", "family_name_native", "given_names_native"]
    list_select_related = ["created_by_office"]
    inlines = [IdentityDocumentInline]


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "person", "kind", "issuing_state", "issued_on", "expires_on", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "person__family_name"]
    list_select_related = ["person"]
