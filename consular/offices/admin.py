from django.contrib import admin

from consular.offices.models import ApiClient, Holiday, Membership, Office


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_ja", "kind", "country", "timezone", "currency"]
    list_filter = ["kind"]
    search_fields = ["code", "name_en", "name_ja"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role", "starts_on", "ends_on"]
    list_filter = ["role", "office"]
    autocomplete_fields = ["user"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["office", "date", "name"]
    list_filter = ["office"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["office", "name", "token_prefix", "created_at", "revoked_at"]
    readonly_fields = ["token_prefix", "created_at"]

    def has_add_permission(self, request):
        # Tokens are created with `manage.py create_api_client`, which shows them once.
        return False
