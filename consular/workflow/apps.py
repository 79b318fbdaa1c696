from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "consular.workflow"
    label = "workflow"

    def ready(self) -> None:
        from consular.workflow import enquiries, relay  # noqa: F401  registers the case type and the handlers
