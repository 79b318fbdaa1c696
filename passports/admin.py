"""HQ's reference data for passports: the fee schedule, changed through the audited admin (rates: `consular.payments`).

Number series are opened from the production page (they are never edited or deleted);
applications, batches and passports change only through their actions.
"""

from django.contrib import admin

from consular.audit.admin import AuditedModelAdmin
from passports.models import Fee, NumberSeries


@admin.register(Fee)
class FeeAdmin(AuditedModelAdmin):
    list_display = ["passport_type", "validity_years", "min_age", "max_age", "amount_jpy", "effective_from"]
    list_filter = ["passport_type", "validity_years"]
    date_hierarchy = "effective_from"


@admin.register(NumberSeries)
class NumberSeriesAdmin(admin.ModelAdmin):
    list_display = ["prefix", "next_number", "last_number", "opened_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
