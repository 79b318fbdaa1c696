from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    """Exchange rates with effective dates, local-currency conversion, payments and numbered receipts."""

    name = "consular.payments"
    label = "payments"
