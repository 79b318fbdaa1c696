"""The watchlist pages: HQ's to read (and auditors'), HQ officers' to switch; every other office gets a 404."""

import pytest
from django.urls import reverse

from consular.audit.models import AuditEntry
from consular.screening.models import ListEntry, Watchlist
from tests.screening.conftest import import_un

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def imported(excerpt_xml, un_list, hq_actor):
    return import_un(excerpt_xml, un_list, hq_actor)


def test_the_overview_shows_every_list_with_its_last_import(signed_in, hq_officer, imported):
    response = signed_in(hq_officer).get(reverse("screening:watchlist_list"))

    assert response.status_code == 200
    text = response.content.decode()
    for watchlist in Watchlist.objects.all():
        assert watchlist.name in text
    in_force = ListEntry.objects.filter(watchlist__code="un-sc", delisted_on__isnull=True).count()
    assert f"<td>{in_force}</td>" in text
    shown = {found.code: found.last_import for found in response.context["lists"]}
    assert shown["un-sc"] == imported.run and shown["national"] is None


def test_the_menu_links_the_watchlists_for_hq_and_auditors_only(signed_in, hq_officer, auditor, nyc_clerk):
    url = reverse("screening:watchlist_list")
    assert url in signed_in(hq_officer).get("/").content.decode()
    assert url in signed_in(auditor).get("/").content.decode()
    assert url not in signed_in(nyc_clerk).get("/").content.decode()


@pytest.mark.parametrize("name", ["watchlist_list", "watchlist_detail", "import_list", "upload"])
def test_a_mission_clerk_does_not_see_the_pages(signed_in, nyc_clerk, un_list, name):
    kwargs = {} if name == "watchlist_list" else {"code": un_list.code}
    assert signed_in(nyc_clerk).get(reverse(f"screening:{name}", kwargs=kwargs)).status_code == 404


def test_a_mission_clerk_does_not_see_an_entry(signed_in, nyc_clerk, imported, un_list):
    entry = ListEntry.objects.filter(watchlist=un_list).first()
    url = reverse("screening:entry_detail", kwargs={"code": un_list.code, "pk": entry.pk})
    assert signed_in(nyc_clerk).get(url).status_code == 404


def test_the_entries_page_lists_entries_a_page_at_a_time(signed_in, hq_officer, full_xml, un_list, hq_actor):
    import_un(full_xml, un_list, hq_actor)
    client = signed_in(hq_officer)
    url = reverse("screening:watchlist_detail", kwargs={"code": un_list.code})

    first = client.get(url)
    assert first.context["next_query"].startswith("after=")
    second = client.get(f"{url}?{first.context['next_query']}")

    first_ids = [row["id"] for row in first.context["rows"]]
    second_ids = [row["id"] for row in second.context["rows"]]
    assert len(first_ids) == len(second_ids) == 50
    assert max(first_ids) < min(second_ids)


def test_a_broken_page_link_is_a_400_with_a_message(signed_in, hq_officer, un_list):
    url = reverse("screening:watchlist_detail", kwargs={"code": un_list.code})
    response = signed_in(hq_officer).get(f"{url}?after=not-a-cursor")
    assert response.status_code == 400
    assert "not valid any more" in response.content.decode()


def test_the_entries_page_costs_the_same_few_queries_however_many_entries(
    signed_in, hq_officer, full_xml, un_list, hq_actor, django_assert_max_num_queries
):
    import_un(full_xml, un_list, hq_actor)
    client = signed_in(hq_officer)
    url = reverse("screening:watchlist_detail", kwargs={"code": un_list.code})
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 50


def test_a_search_by_alias_is_posted_and_finds_the_entry(signed_in, hq_officer, imported, un_list):
    entry = ListEntry.objects.filter(watchlist=un_list, names__quality="good").distinct().first()
    alias = entry.names.filter(quality="good").first().full_name
    url = reverse("screening:watchlist_detail", kwargs={"code": un_list.code})

    response = signed_in(hq_officer).post(url, {"q": alias[2:-2]})

    assert response.status_code == 200
    assert entry.pk in {row["id"] for row in response.context["rows"]}


def test_a_search_by_reference_finds_exactly_that_entry(signed_in, hq_officer, imported, un_list):
    entry = ListEntry.objects.filter(watchlist=un_list).exclude(reference="").first()
    url = reverse("screening:watchlist_detail", kwargs={"code": un_list.code})

    response = signed_in(hq_officer).post(url, {"q": entry.reference.lower()})

    assert [row["id"] for row in response.context["rows"]] == [entry.pk]


def test_the_entry_page_shows_names_dates_documents_and_history(signed_in, auditor, imported, un_list):
    entry = ListEntry.objects.filter(watchlist=un_list, names__quality="good", birth_dates__isnull=False).first()
    url = reverse("screening:entry_detail", kwargs={"code": un_list.code, "pk": entry.pk})

    response = signed_in(auditor).get(url)

    assert response.status_code == 200
    text = response.content.decode()
    assert entry.reference in text
    for name in entry.names.all():
        assert name.full_name.replace("'", "&#x27;") in text
    assert "Good-quality alias" in text
    assert str(entry.birth_dates.first()) in text
    assert "Added" in text  # the first version
    assert response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_an_entry_of_another_list_is_a_404(signed_in, hq_officer, imported, un_list):
    entry = ListEntry.objects.filter(watchlist=un_list).first()
    url = reverse("screening:entry_detail", kwargs={"code": "national", "pk": entry.pk})
    assert signed_in(hq_officer).get(url).status_code == 404


def test_the_imports_page_lists_each_import_with_its_counts(signed_in, hq_officer, imported, un_list):
    response = signed_in(hq_officer).get(reverse("screening:import_list", kwargs={"code": un_list.code}))
    assert response.status_code == 200
    assert list(response.context["imports"]) == [imported.run]
    assert f"<td>{imported.run.added}</td>" in response.content.decode()


def test_an_hq_officer_switches_a_list_off_and_it_is_audited(signed_in, hq_officer, un_list):
    url = reverse("screening:watchlist_activation", kwargs={"code": un_list.code})

    response = signed_in(hq_officer).post(url, {"active": "off"})

    assert response.status_code == 302
    un_list.refresh_from_db()
    assert un_list.active is False
    entry = AuditEntry.objects.get(object_type="screening.watchlist", object_id=str(un_list.pk))
    assert entry.changes == {"active": [True, False]} and entry.username == "hq_officer"


def test_switching_off_a_list_someone_else_switched_off_is_refused(signed_in, hq_officer, un_list):
    Watchlist.objects.filter(pk=un_list.pk).update(active=False)
    url = reverse("screening:watchlist_activation", kwargs={"code": un_list.code})

    response = signed_in(hq_officer).post(url, {"active": "off"}, follow=True)

    assert "already switched off by someone else" in response.content.decode()
    assert not AuditEntry.objects.filter(object_type="screening.watchlist").exists()


@pytest.mark.parametrize("who", ["auditor", "hq_admin", "hq_supervisor"])
def test_only_hq_officers_switch_a_list(request, signed_in, un_list, who):
    url = reverse("screening:watchlist_activation", kwargs={"code": un_list.code})
    assert signed_in(request.getfixturevalue(who)).post(url, {"active": "off"}).status_code == 403
    un_list.refresh_from_db()
    assert un_list.active is True


def test_a_mission_clerk_cannot_switch_a_list(signed_in, nyc_clerk, un_list):
    url = reverse("screening:watchlist_activation", kwargs={"code": un_list.code})
    assert signed_in(nyc_clerk).post(url, {"active": "off"}).status_code == 404


def test_the_list_page_offers_hq_officers_the_opposite_of_its_state(signed_in, hq_officer, auditor, un_list):
    url = reverse("screening:watchlist_detail", kwargs={"code": un_list.code})
    assert 'name="active" value="off"' in signed_in(hq_officer).get(url).content.decode()
    assert 'name="active"' not in signed_in(auditor).get(url).content.decode()
    Watchlist.objects.filter(pk=un_list.pk).update(active=False)
    assert 'name="active" value="on"' in signed_in(hq_officer).get(url).content.decode()
