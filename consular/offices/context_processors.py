from django.http import HttpRequest

from consular.offices.scoping import current_memberships, request_actor


def acting_office(request: HttpRequest) -> dict:
    """The acting office, its local time and the user's other current memberships, for the page header."""
    actor = request_actor(request)
    if actor is None or actor.user is None:
        return {"actor": actor}
    memberships = current_memberships(request, actor.user)
    return {
        "actor": actor,
        "acting_office": actor.office,
        "office_local_now": actor.office.local_now(),
        "switchable_memberships": [m for m in memberships if m.pk != actor.membership.pk],
    }
