"""Every page a role uses is one or two clicks from its home page, and no menu link leads where the role may not go.

The pages are the URL matrix's (tests/test_url_matrix.py): each row without an object in its
URL is asked for as each member of staff, and every one that answers them a page (200, HTML)
must be found by following links from their home page, its menus and the pages those open.
The matrix's cast is walked, and the roles it leaves out (an officer, HQ's supervisor, a
prefectural clerk).
"""

import pytest
from django.urls import Resolver404, resolve, reverse

from tests.html import links
from tests.test_url_matrix import CAST, EXPECTED, cast_clients, objects  # noqa: F401  (fixtures)

# Pages a member of staff is sent to by the site, never navigates to: why each is left out.
REACHED_BY_REDIRECT = {
    # A step that needs a fresh password or code sends the user here and back.
    "accounts:reauthenticate",
}
STAFF = [member for member in CAST if member not in ("anonymous", "password_only", "osaka_api")]
UNLISTED = ["nyc_officer", "hq_supervisor", "osaka_clerk"]


def _plain_pages() -> list[str]:
    """The URL names of the matrix's rows that take no object, once each."""
    names = []
    for entry in EXPECTED:
        if not entry.kwargs and entry.name not in names and entry.name != "api_not_found":
            names.append(entry.name)
    return names


def _name_of(path: str) -> str | None:
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return None
    return match.view_name


def _is_page(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def _reachable(client) -> tuple[set[str], list[str]]:
    """URL names found within two clicks of the home page, and the home page's own links."""
    home = client.get("/")
    assert home.status_code == 200
    first = list(dict.fromkeys(links(home.text)))
    found = {"home"}
    for path in first:
        found.add(_name_of(path))
        if path.startswith("/admin/"):
            continue  # the admin is one click away; its own pages are not the matrix's
        response = client.get(path)
        if _is_page(response):
            found |= {_name_of(second) for second in links(response.text)}
    return found - {None}, first


def _walk(client, member: str) -> None:
    found, first = _reachable(client)
    pages = [name for name in _plain_pages() if name not in REACHED_BY_REDIRECT]
    used = [name for name in pages if _is_page(client.get(reverse(name)))]
    assert used, member
    missing = [name for name in used if name not in found]
    assert not missing, f"{member} cannot reach these pages from their home page in two clicks: {missing}"
    # The other way round: the home page and its menus link only to pages this member may open.
    dead = []
    for path in first:
        response = client.get(path)
        redirected_to_reauthenticate = response.status_code == 302 and "/accounts/reauthenticate/" in response.get(
            "Location", "")
        if response.status_code != 200 and not redirected_to_reauthenticate:
            dead.append((path, response.status_code))
    assert not dead, f"{member}'s home page links to pages they may not open: {dead}"


@pytest.mark.parametrize("member", STAFF)
def test_every_page_of_the_matrix_a_member_may_open_is_two_clicks_from_their_home(member, request):
    _walk(request.getfixturevalue("cast_clients")[member], member)


@pytest.mark.parametrize("member", UNLISTED)
def test_roles_outside_the_matrix_reach_their_pages_too(member, request, signed_in):
    _walk(signed_in(request.getfixturevalue(member)), member)


def test_the_walk_reaches_the_passport_desk_pages_from_the_menu(request):
    clients = request.getfixturevalue("cast_clients")
    found, _first = _reachable(clients["nyc_clerk"])
    assert {"passports:collection_desk", "passports:mrz_check", "passports:loss_report"} <= found
    found, _first = _reachable(clients["hq_officer"])
    assert {"passports:production_queue", "passports:batch_list"} <= found
