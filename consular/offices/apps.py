from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "consular.offices"
    label = "offices"
