from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from consular.audit.admin import AuditedModelAdmin
from consular.offices import actions
from consular.offices.models import ApiClient, Holiday, Membership, Office
from consular.offices.scoping import request_actor


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    # Memberships grant access: they are changed on their own admin page, where each change is audited.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Office)
class OfficeAdmin(AuditedModelAdmin):
    list_display = ["code", "name_en", "name_ja", "kind", "country", "timezone", "currency"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_ja"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(AuditedModelAdmin):
    list_display = ["user", "office", "role", "starts_on", "ends_on"]
    list_filter = ["role", "office"]
    autocomplete_fields = ["user"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Read-only here: holidays are versioned and changed on the office page or the API."""

    list_display = ["office", "date", "name"]
    list_filter = ["office"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Tokens are made by `manage.py create_api_client`, which shows them once; here they are revoked."""

    list_display = ["office", "name", "token_prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Revoke the selected clients' tokens"))
    def revoke(self, request, queryset):
        for client in queryset.filter(revoked_at__isnull=True):
            actions.revoke_api_client(client, by=request_actor(request))


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class StaffUserAdmin(AuditedModelAdmin, UserAdmin):
    pass
