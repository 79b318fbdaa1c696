from django.contrib import admin

from consular.audit.actions import Action, record
from consular.audit.models import AuditEntry
from consular.offices.scoping import request_actor


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "username", "office_code", "action", "object_repr"]
    list_filter = ["action", "office_code"]
    search_fields = ["username", "object_repr", "object_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin saves and deletes write the audit log like every other write, with old and new values."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changes = {}
        for field in form.changed_data:
            old = _plain(form.initial.get(field)) if change else None
            new = _plain(form.cleaned_data.get(field))
            # A field with a callable default reports itself changed even when it is not.
            if field != "password" and old != new:
                changes[field] = [old, new]
        record(by=request_actor(request), action=Action.UPDATE if change else Action.CREATE, target=obj,
               changes=changes, request=request)

    def delete_model(self, request, obj):
        record(by=request_actor(request), action=Action.DELETE, target=obj, request=request)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "all"):  # a many-to-many selection
        return [str(item) for item in value.all()]
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    return str(value)
