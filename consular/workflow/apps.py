from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "consular.workflow"
    label = "workflow"
