"""Cursor pagination: opaque next links, a constant number of queries, and no COUNT."""

import json
from datetime import date, timedelta

import pytest

from consular.offices.models import Holiday
from tests.api.conftest import assert_problem

LIST = "/api/v1/offices/OSA/holidays/"
# Token lookup, office, one page of holidays; a little headroom, but far below one query per row.
QUERIES_PER_PAGE = 5
# Staff also load the session, user, second-factor device and membership, and save the session.
STAFF_QUERIES_PER_PAGE = 11


def add_holidays(office, count: int) -> None:
    first = date(2027, 1, 1)
    Holiday.unscoped.bulk_create(
        Holiday(office=office, date=first + timedelta(days=day), name=f"Day {day}") for day in range(count)
    )


def test_next_link_walks_every_holiday_once_in_date_order(api, osaka_client, osaka):
    _client, token = osaka_client
    client = api(token)
    add_holidays(osaka, 5)

    names: list[str] = []
    pages = 0
    url = f"{LIST}?page_size=2"
    while url:
        body = json.loads(client.get(url).content)
        names += [row["name"] for row in body["results"]]
        url = body["next"]
        pages += 1

    assert names == [f"Day {day}" for day in range(5)]
    assert pages == 3


def test_first_page_has_no_previous_link_and_a_next_link(api, osaka_client, osaka):
    _client, token = osaka_client
    add_holidays(osaka, 3)

    body = json.loads(api(token).get(f"{LIST}?page_size=2").content)

    assert body["previous"] is None
    assert "cursor=" in body["next"]
    assert "count" not in body


def test_last_page_has_no_next_link(api, osaka_client, osaka):
    _client, token = osaka_client
    add_holidays(osaka, 2)

    body = json.loads(api(token).get(f"{LIST}?page_size=2").content)

    assert body["next"] is None
    assert len(body["results"]) == 2


def test_the_largest_page_is_200_rows(api, osaka_client, osaka):
    _client, token = osaka_client
    add_holidays(osaka, 205)

    body = json.loads(api(token).get(f"{LIST}?page_size=200").content)

    assert len(body["results"]) == 200


@pytest.mark.parametrize("size", ["0", "201", "-3", "null", "", "5.0", "١٢"])
def test_a_page_size_outside_1_to_200_is_a_400_problem_naming_it(api, osaka_client, osaka, size):
    _client, token = osaka_client

    for url in (LIST, "/api/v1/cases/", "/api/v1/passports/applications/"):
        body = assert_problem(api(token).get(url, {"page_size": size}), 400)
        assert [error["field"] for error in body["errors"]] == ["page_size"], url


def test_default_page_is_fifty_rows(api, osaka_client, osaka):
    _client, token = osaka_client
    add_holidays(osaka, 51)

    body = json.loads(api(token).get(LIST).content)

    assert len(body["results"]) == 50
    assert body["next"]


def test_tampered_cursor_is_a_404_problem(api, osaka_client, osaka):
    _client, token = osaka_client

    response = api(token).get(f"{LIST}?cursor=not-a-cursor")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


@pytest.mark.parametrize("rows", [1, 50])
def test_holiday_list_takes_the_same_few_queries_at_any_page_size(
    api, osaka_client, osaka, django_assert_max_num_queries, rows
):
    _client, token = osaka_client
    add_holidays(osaka, rows)
    client = api(token)

    with django_assert_max_num_queries(QUERIES_PER_PAGE) as captured:
        response = client.get(LIST)

    assert len(json.loads(response.content)["results"]) == rows
    assert not [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]


@pytest.mark.parametrize("rows", [1, 50])
def test_staff_holiday_list_takes_the_same_few_queries_at_any_page_size(
    signed_in, nyc_supervisor, nyc, django_assert_max_num_queries, rows
):
    client = signed_in(nyc_supervisor)
    add_holidays(nyc, rows)

    with django_assert_max_num_queries(STAFF_QUERIES_PER_PAGE) as captured:
        response = client.get("/api/v1/offices/NYC/holidays/")

    assert len(json.loads(response.content)["results"]) == rows
    assert not [query["sql"] for query in captured.captured_queries if "COUNT(" in query["sql"].upper()]
