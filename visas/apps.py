from django.apps import AppConfig


class VisasConfig(AppConfig):
    name = "visas"
