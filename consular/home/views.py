"""Each role's home page: the panels every app contributes for the acting office and role.

The home page sits above every floor it summarises (offices, audit, workflow, the domains):
each app may ship a `panels` module with `panels(actor) -> list[Panel]`, found by name like
the `demo` modules, so neither the core nor this app imports a domain.
"""

import sys
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.module_loading import module_has_submodule

from consular.offices.scoping import Actor, request_actor
from consular.panels import Panel


def panels_for(actor: Actor) -> list[Panel]:
    """Every installed app's panels for this actor, in page order."""
    found: list[Panel] = []
    for config in apps.get_app_configs():
        # The project's own apps only: a third-party app may have a `panels` module of another kind.
        own = Path(config.path).is_relative_to(settings.BASE_DIR) and not config.path.startswith(sys.prefix)
        if own and module_has_submodule(config.module, "panels"):
            found += import_module(f"{config.name}.panels").panels(actor)
    return sorted(found, key=lambda panel: (panel.order, panel.key))


def home(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    if actor is None:
        return render(request, "offices/no_membership.html", status=403)
    return render(request, "home/home.html", {"panels": panels_for(actor)})
