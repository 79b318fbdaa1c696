from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "consular.accounts"
    label = "accounts"

    def ready(self) -> None:
        from consular.accounts import checks  # noqa: F401  registers the deploy checks
