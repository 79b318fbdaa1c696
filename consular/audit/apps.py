from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "consular.audit"
    label = "audit"
