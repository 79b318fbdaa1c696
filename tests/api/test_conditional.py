"""ETag on reads and If-Match on writes: a stale write is a 412 and changes nothing."""

import json
from datetime import date

import pytest

from consular.offices.models import Holiday
from tests.api.conftest import assert_problem, send_json


@pytest.fixture
def supervisor_client(signed_in, nyc_supervisor):
    return signed_in(nyc_supervisor)


@pytest.fixture
def url(nyc_holiday) -> str:
    return f"/api/v1/offices/NYC/holidays/{nyc_holiday.pk}/"


def unchanged(holiday: Holiday) -> bool:
    holiday.refresh_from_db()
    return (holiday.date, holiday.name, holiday.version) == (date(2027, 7, 5), "Independence Day (observed)", 1)


def test_get_returns_an_etag_naming_the_version(supervisor_client, url, nyc_holiday):
    response = supervisor_client.get(url)

    assert response.status_code == 200
    assert response["ETag"] == f'"{nyc_holiday.pk}-1"'
    assert json.loads(response.content)["version"] == 1


def test_if_none_match_with_the_current_etag_is_a_304_without_a_body(supervisor_client, url):
    etag = supervisor_client.get(url)["ETag"]

    response = supervisor_client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response.content == b""


def test_if_none_match_with_an_old_etag_returns_the_holiday(supervisor_client, url, nyc_holiday):
    response = supervisor_client.get(url, headers={"If-None-Match": f'"{nyc_holiday.pk}-0", "other"'})

    assert response.status_code == 200
    assert json.loads(response.content)["name"] == "Independence Day (observed)"


def test_if_none_match_does_not_reveal_another_office_holiday(supervisor_client, london_holiday):
    response = supervisor_client.get(
        f"/api/v1/offices/LON/holidays/{london_holiday.pk}/", headers={"If-None-Match": f'"{london_holiday.pk}-1"'}
    )

    assert_problem(response, 404)


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_write_without_if_match_is_a_428_problem_and_changes_nothing(supervisor_client, url, nyc_holiday, method):
    response = send_json(supervisor_client, method, url, {"date": "2027-07-04", "name": "Fourth of July"})

    body = assert_problem(response, 428)
    assert "If-Match" in body["detail"]
    assert unchanged(nyc_holiday)


@pytest.mark.parametrize("method", ["put", "patch"])
def test_stale_if_match_is_a_412_problem_and_the_row_is_unchanged(supervisor_client, url, nyc_holiday, method):
    response = send_json(
        supervisor_client,
        method,
        url,
        {"date": "2027-07-04", "name": "Fourth of July"},
        **{"If-Match": f'"{nyc_holiday.pk}-0"'},
    )

    assert_problem(response, 412)
    assert unchanged(nyc_holiday)


def test_etag_of_another_holiday_is_a_412(supervisor_client, url, nyc_holiday, nyc):
    other = Holiday.unscoped.create(office=nyc, date=date(2027, 12, 25), name="Christmas")

    response = send_json(supervisor_client, "patch", url, {"name": "Moved"}, **{"If-Match": f'"{other.pk}-1"'})

    assert_problem(response, 412)
    assert unchanged(nyc_holiday)


def test_correct_if_match_changes_the_holiday_bumps_its_version_and_returns_a_new_etag(
    supervisor_client, url, nyc_holiday
):
    etag = supervisor_client.get(url)["ETag"]

    response = send_json(supervisor_client, "patch", url, {"name": "Fourth of July"}, **{"If-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] == f'"{nyc_holiday.pk}-2"' != etag
    body = json.loads(response.content)
    assert (body["name"], body["date"], body["version"]) == ("Fourth of July", "2027-07-05", 2)
    nyc_holiday.refresh_from_db()
    assert (nyc_holiday.name, nyc_holiday.date, nyc_holiday.version) == ("Fourth of July", date(2027, 7, 5), 2)


def test_put_replaces_every_field(supervisor_client, url, nyc_holiday):
    response = send_json(
        supervisor_client,
        "put",
        url,
        {"date": "2027-07-04", "name": "Fourth of July"},
        **{"If-Match": f'"{nyc_holiday.pk}-1"'},
    )

    assert response.status_code == 200
    nyc_holiday.refresh_from_db()
    assert (nyc_holiday.date, nyc_holiday.name, nyc_holiday.version) == (date(2027, 7, 4), "Fourth of July", 2)


def test_put_missing_a_field_is_a_400_problem_and_changes_nothing(supervisor_client, url, nyc_holiday):
    response = send_json(
        supervisor_client, "put", url, {"name": "Fourth of July"}, **{"If-Match": f'"{nyc_holiday.pk}-1"'}
    )

    body = assert_problem(response, 400)
    assert [error["field"] for error in body["errors"]] == ["date"]
    assert unchanged(nyc_holiday)


def test_moving_a_holiday_onto_another_is_a_409_problem_and_changes_nothing(supervisor_client, url, nyc_holiday, nyc):
    Holiday.unscoped.create(office=nyc, date=date(2027, 12, 25), name="Christmas")

    response = send_json(
        supervisor_client, "patch", url, {"date": "2027-12-25"}, **{"If-Match": f'"{nyc_holiday.pk}-1"'}
    )

    assert_problem(response, 409)
    assert unchanged(nyc_holiday)


def test_the_old_etag_is_stale_after_a_write(supervisor_client, url, nyc_holiday):
    etag = supervisor_client.get(url)["ETag"]
    send_json(supervisor_client, "patch", url, {"name": "First writer"}, **{"If-Match": etag})

    response = send_json(supervisor_client, "patch", url, {"name": "Second writer"}, **{"If-Match": etag})

    assert_problem(response, 412)
    nyc_holiday.refresh_from_db()
    assert (nyc_holiday.name, nyc_holiday.version) == ("First writer", 2)


def test_if_match_star_writes_whatever_the_version(supervisor_client, url, nyc_holiday):
    response = send_json(supervisor_client, "patch", url, {"name": "Fourth of July"}, **{"If-Match": "*"})

    assert response.status_code == 200
    assert Holiday.unscoped.get().version == 2


def test_if_match_with_a_list_including_the_current_etag_writes(supervisor_client, url, nyc_holiday):
    response = send_json(
        supervisor_client,
        "patch",
        url,
        {"name": "Fourth of July"},
        **{"If-Match": f'"{nyc_holiday.pk}-0", "{nyc_holiday.pk}-1"'},
    )

    assert response.status_code == 200


def test_delete_with_a_stale_if_match_is_a_412_and_the_row_is_still_there(supervisor_client, url, nyc_holiday):
    response = supervisor_client.delete(url, headers={"If-Match": f'"{nyc_holiday.pk}-7"'})

    assert_problem(response, 412)
    assert unchanged(nyc_holiday)


def test_delete_with_the_current_if_match_is_a_204_and_the_row_is_gone(supervisor_client, url, nyc_holiday):
    etag = supervisor_client.get(url)["ETag"]

    response = supervisor_client.delete(url, headers={"If-Match": etag})

    assert response.status_code == 204
    assert not Holiday.unscoped.filter(pk=nyc_holiday.pk).exists()
    assert_problem(supervisor_client.get(url), 404)


def test_write_racing_another_writer_is_a_412_not_an_overwrite(supervisor_client, url, nyc_holiday, monkeypatch):
    """The row changes between the If-Match check and the UPDATE: the conditional UPDATE still refuses it."""
    from consular.api import conditional

    def read_then_someone_else_writes(request, instance):
        version = conditional.expected_version(request, instance)
        Holiday.unscoped.filter(pk=instance.pk).update(name="Someone else", version=version + 1)
        return version

    monkeypatch.setattr("consular.offices.api.expected_version", read_then_someone_else_writes)

    response = send_json(supervisor_client, "patch", url, {"name": "Mine"}, **{"If-Match": f'"{nyc_holiday.pk}-1"'})

    assert_problem(response, 412)
    nyc_holiday.refresh_from_db()
    assert (nyc_holiday.name, nyc_holiday.version) == ("Someone else", 2)
