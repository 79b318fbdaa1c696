"""HQ sets exchange rates through the audited admin; a rate is never edited in place once used (add a newer one)."""

from django.contrib import admin

from consular.audit.admin import AuditedModelAdmin
from consular.payments.models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(AuditedModelAdmin):
    list_display = ["currency", "yen_per_unit", "effective_from"]
    list_filter = ["currency"]
