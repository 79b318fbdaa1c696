from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "consular.accounts"
    label = "accounts"
