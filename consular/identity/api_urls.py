"""This app's API routes, included under /api/v1/ by consular.api.urls."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
