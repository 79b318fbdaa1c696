"""Offices and holidays over REST: scoped like every page, read-only for auditors, audited on write."""

import json
from datetime import date

import pytest

from consular.audit.models import AuditEntry
from consular.offices.models import Holiday
from tests.api.conftest import add_holiday, assert_problem, send_json
from tests.factories import HolidayFactory


def codes(response) -> list[str]:
    return [office["code"] for office in json.loads(response.content)["results"]]


# Reading offices


def test_mission_staff_list_only_their_own_office(signed_in, nyc_clerk, london, osaka, hq):
    response = signed_in(nyc_clerk).get("/api/v1/offices/")

    assert response.status_code == 200
    assert codes(response) == ["NYC"]


def test_hq_admin_lists_every_office(signed_in, hq_admin, nyc, london, osaka):
    response = signed_in(hq_admin).get("/api/v1/offices/")

    assert response.status_code == 200
    assert sorted(codes(response)) == ["HQ", "LON", "NYC", "OSA"]


def test_auditor_lists_every_office(signed_in, auditor, nyc, london, osaka):
    assert sorted(codes(signed_in(auditor).get("/api/v1/offices/"))) == ["HQ", "LON", "NYC", "OSA"]


def test_osaka_client_lists_only_osaka(api, osaka_client, nyc, london, hq):
    _client, token = osaka_client

    assert codes(api(token).get("/api/v1/offices/")) == ["OSA"]


def test_own_office_detail_is_readable(signed_in, nyc_supervisor):
    response = signed_in(nyc_supervisor).get("/api/v1/offices/NYC/")

    assert response.status_code == 200
    assert json.loads(response.content)["name_en"] == "Consulate-General of Japan in New York"


def test_other_office_is_a_404_problem_not_a_403(signed_in, nyc_supervisor, london):
    assert_problem(signed_in(nyc_supervisor).get("/api/v1/offices/LON/"), 404)


def test_other_office_is_a_404_problem_for_an_api_client(api, osaka_client, london):
    _client, token = osaka_client

    assert_problem(api(token).get("/api/v1/offices/LON/"), 404)


def test_me_names_the_api_client_and_its_office(api, osaka_client):
    _client, token = osaka_client

    body = json.loads(api(token).get("/api/v1/me/").content)

    assert body["name"] == "api:OSA:Osaka prefectural system"
    assert body["office"]["code"] == "OSA"
    assert body["read_only"] is False


def test_me_says_an_auditor_is_read_only(signed_in, auditor):
    body = json.loads(signed_in(auditor).get("/api/v1/me/").content)

    assert body["role"] == "auditor"
    assert body["read_only"] is True


# Reading holidays


def test_holiday_list_shows_only_the_office_own_holidays(signed_in, nyc_supervisor, nyc_holiday, london_holiday):
    response = signed_in(nyc_supervisor).get("/api/v1/offices/NYC/holidays/")

    assert response.status_code == 200
    assert [row["id"] for row in json.loads(response.content)["results"]] == [nyc_holiday.pk]


def test_other_office_holiday_list_is_a_404_problem(signed_in, nyc_supervisor, london_holiday):
    assert_problem(signed_in(nyc_supervisor).get("/api/v1/offices/LON/holidays/"), 404)


def test_other_office_holiday_is_a_404_problem(signed_in, nyc_supervisor, london_holiday):
    assert_problem(signed_in(nyc_supervisor).get(f"/api/v1/offices/LON/holidays/{london_holiday.pk}/"), 404)


def test_other_office_holiday_under_own_office_url_is_a_404_problem(signed_in, nyc_supervisor, london_holiday):
    assert_problem(signed_in(nyc_supervisor).get(f"/api/v1/offices/NYC/holidays/{london_holiday.pk}/"), 404)


def test_other_office_holiday_is_a_404_problem_for_an_api_client(api, osaka_client, london_holiday):
    _client, token = osaka_client

    assert_problem(api(token).get(f"/api/v1/offices/LON/holidays/{london_holiday.pk}/"), 404)


def test_osaka_client_reads_its_own_holidays(api, osaka_client, osaka_holiday, nyc_holiday):
    _client, token = osaka_client

    response = api(token).get("/api/v1/offices/OSA/holidays/")

    assert [row["name"] for row in json.loads(response.content)["results"]] == ["Constitution Memorial Day"]


def test_hq_admin_reads_any_office_holidays(signed_in, hq_admin, london_holiday):
    response = signed_in(hq_admin).get(f"/api/v1/offices/LON/holidays/{london_holiday.pk}/")

    assert response.status_code == 200
    assert json.loads(response.content)["office"] == "LON"


# Writing holidays: who may


def test_supervisor_adds_a_holiday_to_own_office(signed_in, nyc_supervisor):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", {"date": "2027-11-25", "name": "Thanksgiving"})

    assert response.status_code == 201
    body = json.loads(response.content)
    assert body == {"id": body["id"], "office": "NYC", "date": "2027-11-25", "name": "Thanksgiving", "version": 1}
    holiday = Holiday.unscoped.get()
    assert (holiday.office.code, holiday.date, holiday.name) == ("NYC", date(2027, 11, 25), "Thanksgiving")
    assert response["Location"].endswith(f"/api/v1/offices/NYC/holidays/{holiday.pk}/")
    assert response["ETag"] == f'"{holiday.pk}-1"'


def test_clerk_cannot_add_a_holiday(signed_in, nyc_clerk):
    response = add_holiday(signed_in(nyc_clerk), "NYC", {"date": "2027-11-25", "name": "Thanksgiving"})

    assert_problem(response, 403)
    assert not Holiday.unscoped.exists()


def test_api_client_cannot_add_a_holiday(api, osaka_client):
    _client, token = osaka_client

    response = add_holiday(api(token), "OSA", {"date": "2027-11-25", "name": "Thanksgiving"})

    assert_problem(response, 403)
    assert not Holiday.unscoped.exists()


def test_supervisor_cannot_add_a_holiday_to_another_office_and_sees_a_404(signed_in, nyc_supervisor, london):
    response = add_holiday(signed_in(nyc_supervisor), "LON", {"date": "2027-11-25", "name": "Thanksgiving"})

    assert_problem(response, 404)
    assert not Holiday.unscoped.exists()


def test_hq_admin_adds_a_holiday_to_any_office(signed_in, hq_admin, london):
    response = add_holiday(signed_in(hq_admin), "LON", {"date": "2027-12-26", "name": "Boxing Day"})

    assert response.status_code == 201
    assert Holiday.unscoped.get().office == london


def test_auditor_reads_holidays(signed_in, auditor, london_holiday):
    response = signed_in(auditor).get(f"/api/v1/offices/LON/holidays/{london_holiday.pk}/")

    assert response.status_code == 200


def test_auditor_cannot_add_a_holiday(signed_in, auditor, nyc):
    response = add_holiday(signed_in(auditor), "NYC", {"date": "2027-11-25", "name": "Thanksgiving"})

    assert_problem(response, 403)
    assert not Holiday.unscoped.exists()


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_auditor_cannot_change_or_remove_a_holiday(signed_in, auditor, nyc_holiday, method):
    client = signed_in(auditor)
    url = f"/api/v1/offices/NYC/holidays/{nyc_holiday.pk}/"
    etag = client.get(url)["ETag"]

    response = send_json(client, method, url, {"date": "2027-07-06", "name": "Moved"}, **{"If-Match": etag})

    assert_problem(response, 403)
    nyc_holiday.refresh_from_db()
    assert (nyc_holiday.date, nyc_holiday.name, nyc_holiday.version) == (
        date(2027, 7, 5),
        "Independence Day (observed)",
        1,
    )


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_clerk_cannot_change_or_remove_a_holiday(signed_in, nyc_clerk, nyc_holiday, method):
    url = f"/api/v1/offices/NYC/holidays/{nyc_holiday.pk}/"

    response = send_json(
        signed_in(nyc_clerk),
        method,
        url,
        {"date": "2027-07-06", "name": "Moved"},
        **{"If-Match": f'"{nyc_holiday.pk}-1"'},
    )

    assert_problem(response, 403)
    assert Holiday.unscoped.get().version == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_office_supervisor_cannot_change_or_remove_a_holiday_and_sees_a_404(
    signed_in, london_supervisor, nyc_holiday, method
):
    url = f"/api/v1/offices/NYC/holidays/{nyc_holiday.pk}/"

    response = send_json(
        signed_in(london_supervisor),
        method,
        url,
        {"date": "2027-07-06", "name": "Moved"},
        **{"If-Match": f'"{nyc_holiday.pk}-1"'},
    )

    assert_problem(response, 404)
    assert Holiday.unscoped.get().version == 1


# Every write is audited


def test_adding_a_holiday_writes_an_audit_entry_with_the_new_values(signed_in, nyc_supervisor):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", {"date": "2027-11-25", "name": "Thanksgiving"})

    holiday_id = str(json.loads(response.content)["id"])
    entry = AuditEntry.unscoped.get(object_type="offices.holiday", object_id=holiday_id)
    assert (entry.action, entry.username, entry.office_code, entry.role) == (
        "create",
        "nyc_supervisor",
        "NYC",
        "supervisor",
    )
    assert entry.changes == {"date": [None, "2027-11-25"], "name": [None, "Thanksgiving"]}


def test_changing_a_holiday_writes_an_audit_entry_with_old_and_new_values(signed_in, nyc_supervisor, nyc_holiday):
    url = f"/api/v1/offices/NYC/holidays/{nyc_holiday.pk}/"

    response = send_json(
        signed_in(nyc_supervisor), "patch", url, {"name": "Fourth of July"}, **{"If-Match": f'"{nyc_holiday.pk}-1"'}
    )

    assert response.status_code == 200
    entry = AuditEntry.unscoped.get(object_type="offices.holiday", object_id=str(nyc_holiday.pk))
    assert (entry.action, entry.username) == ("update", "nyc_supervisor")
    assert entry.changes == {"name": ["Independence Day (observed)", "Fourth of July"]}


def test_replacing_a_holiday_records_every_changed_field(signed_in, hq_admin, nyc_holiday):
    url = f"/api/v1/offices/NYC/holidays/{nyc_holiday.pk}/"

    response = send_json(
        signed_in(hq_admin),
        "put",
        url,
        {"date": "2027-07-04", "name": "Fourth of July"},
        **{"If-Match": f'"{nyc_holiday.pk}-1"'},
    )

    assert response.status_code == 200
    entry = AuditEntry.unscoped.get(object_type="offices.holiday", object_id=str(nyc_holiday.pk))
    assert (entry.username, entry.office_code) == ("hq_admin", "HQ")
    assert entry.changes == {
        "date": ["2027-07-05", "2027-07-04"],
        "name": ["Independence Day (observed)", "Fourth of July"],
    }


def test_removing_a_holiday_writes_an_audit_entry_with_the_old_values(signed_in, nyc_supervisor, nyc_holiday):
    url = f"/api/v1/offices/NYC/holidays/{nyc_holiday.pk}/"

    response = signed_in(nyc_supervisor).delete(url, headers={"If-Match": f'"{nyc_holiday.pk}-1"'})

    assert response.status_code == 204
    entry = AuditEntry.unscoped.get(object_type="offices.holiday", object_id=str(nyc_holiday.pk))
    assert entry.action == "delete"
    assert entry.changes == {"date": ["2027-07-05", None], "name": ["Independence Day (observed)", None]}


def test_a_refused_write_writes_no_audit_entry(signed_in, nyc_clerk, nyc_holiday):
    url = f"/api/v1/offices/NYC/holidays/{nyc_holiday.pk}/"

    signed_in(nyc_clerk).delete(url, headers={"If-Match": f'"{nyc_holiday.pk}-1"'})
    add_holiday(signed_in(nyc_clerk), "NYC", {"date": "2027-11-25", "name": "Thanksgiving"})

    assert not AuditEntry.unscoped.filter(object_type="offices.holiday").exists()


def test_holidays_of_other_offices_are_not_touched_by_a_write(signed_in, nyc_supervisor, nyc_holiday, london):
    london_holiday = HolidayFactory(office=london, date=nyc_holiday.date, name="Same day in London")

    add_holiday(signed_in(nyc_supervisor), "NYC", {"date": "2027-11-25", "name": "Thanksgiving"})

    london_holiday.refresh_from_db()
    assert (london_holiday.name, london_holiday.version) == ("Same day in London", 1)
