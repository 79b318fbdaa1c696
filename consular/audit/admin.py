from django.contrib import admin

from consular.audit.models import AuditEntry


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
