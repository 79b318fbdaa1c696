"""Periodic passport work: each task calls one action."""

from celery import shared_task
from django_scopes import scopes_disabled

from passports.actions import lapse_uncollected_passports as lapse


@shared_task
def lapse_uncollected_passports() -> int:
    # A system job across every office's collection desk: no single office's scope applies.
    with scopes_disabled():
        return lapse()
