from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "consular.home"
    label = "home"
