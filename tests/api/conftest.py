"""Helpers for API tests: holidays at each office and JSON requests with the API's headers."""

import json
import uuid
from datetime import date

import pytest

from tests.factories import HolidayFactory


@pytest.fixture
def nyc_holiday(nyc):
    return HolidayFactory(office=nyc, date=date(2027, 7, 5), name="Independence Day (observed)")


@pytest.fixture
def london_holiday(london):
    return HolidayFactory(office=london, date=date(2027, 8, 30), name="Summer bank holiday")


@pytest.fixture
def osaka_holiday(osaka):
    return HolidayFactory(office=osaka, date=date(2027, 5, 3), name="Constitution Memorial Day")


def send_json(client, method: str, path: str, body, **headers):
    """A JSON request; `body` may be a dict or an already-encoded string."""
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return getattr(client, method.lower())(path, data=data, content_type="application/json", headers=headers)


def add_holiday(client, code: str, body, key: str | None = None):
    """POST a holiday with a fresh Idempotency-Key unless one is given."""
    return send_json(
        client, "post", f"/api/v1/offices/{code}/holidays/", body, **{"Idempotency-Key": key or str(uuid.uuid4())}
    )


def assert_problem(response, status: int) -> dict:
    """The response is RFC 9457 problem details with the given status; returns the body."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = json.loads(response.content)
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert body["title"]
    assert body["detail"]
    return body
