"""The admin shows watchlists, imports and entries, and changes none of them."""

from consular.screening.models import ListEntry
from tests.screening.conftest import import_un


def test_the_admin_lists_and_shows_entries_read_only(signed_in, hq_admin, excerpt_xml, un_list, hq_actor):
    import_un(excerpt_xml, un_list, hq_actor)
    client = signed_in(hq_admin)
    entry = ListEntry.objects.filter(kind="individual").first()

    assert client.get("/admin/screening/listentry/").status_code == 200
    assert client.get("/admin/screening/watchlistimport/").status_code == 200
    page = client.get(f"/admin/screening/listentry/{entry.pk}/change/")
    assert page.status_code == 200
    assert entry.primary_name in page.text
    assert client.get("/admin/screening/listentry/add/").status_code == 403
    assert client.post(f"/admin/screening/listentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ListEntry.objects.filter(pk=entry.pk).exists()
