from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "consular.workflow"
    label = "workflow"

    def ready(self) -> None:
        # Registers the enquiry case type, the outbox handlers and what follows a person merge.
        from consular.workflow import actions, enquiries, relay  # noqa: F401
