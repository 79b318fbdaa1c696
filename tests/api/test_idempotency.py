"""Idempotency-Key on POST: a retry gets the first response and creates nothing twice."""

import hashlib
import json

import pytest

from consular.api.models import IdempotencyRecord
from consular.audit.models import AuditEntry
from consular.offices.models import Holiday
from tests.api.conftest import add_holiday, assert_problem, send_json

THANKSGIVING = {"date": "2027-11-25", "name": "Thanksgiving"}


def test_post_without_idempotency_key_is_a_400_problem_and_saves_nothing(signed_in, nyc_supervisor):
    response = send_json(signed_in(nyc_supervisor), "post", "/api/v1/offices/NYC/holidays/", THANKSGIVING)

    body = assert_problem(response, 400)
    assert body["type"].endswith("/idempotency-key-missing")
    assert "Idempotency-Key" in body["detail"]
    assert not Holiday.unscoped.exists()
    assert not IdempotencyRecord.objects.exists()


def test_blank_idempotency_key_is_a_400_problem(signed_in, nyc_supervisor):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", THANKSGIVING, key="   ")

    assert_problem(response, 400)
    assert not Holiday.unscoped.exists()


def test_overlong_idempotency_key_is_a_400_problem(signed_in, nyc_supervisor):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", THANKSGIVING, key="k" * 201)

    assert_problem(response, 400)
    assert not Holiday.unscoped.exists()


def test_retry_with_same_key_returns_first_response_and_creates_nothing_twice(signed_in, nyc_supervisor):
    client = signed_in(nyc_supervisor)

    first = add_holiday(client, "NYC", THANKSGIVING, key="retry-1")
    second = add_holiday(client, "NYC", THANKSGIVING, key="retry-1")

    assert first.status_code == second.status_code == 201
    assert json.loads(second.content) == json.loads(first.content)
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert second["Location"] == first["Location"]
    assert second["ETag"] == first["ETag"]
    assert Holiday.unscoped.count() == 1
    assert AuditEntry.unscoped.filter(object_type="offices.holiday", action="create").count() == 1


def test_replay_returns_the_first_response_even_after_the_row_changed(signed_in, nyc_supervisor):
    client = signed_in(nyc_supervisor)
    first = add_holiday(client, "NYC", THANKSGIVING, key="retry-2")
    holiday = Holiday.unscoped.get()
    send_json(
        client,
        "patch",
        f"/api/v1/offices/NYC/holidays/{holiday.pk}/",
        {"name": "Thanksgiving Day"},
        **{"If-Match": first["ETag"]},
    )

    replay = add_holiday(client, "NYC", THANKSGIVING, key="retry-2")

    assert json.loads(replay.content)["name"] == "Thanksgiving"
    assert Holiday.unscoped.get().name == "Thanksgiving Day"


def test_same_key_with_a_different_body_is_a_422_problem_and_saves_nothing(signed_in, nyc_supervisor):
    client = signed_in(nyc_supervisor)
    add_holiday(client, "NYC", THANKSGIVING, key="reused")

    response = add_holiday(client, "NYC", {"date": "2027-12-24", "name": "Christmas Eve"}, key="reused")

    body = assert_problem(response, 422)
    assert body["type"].endswith("/idempotency-key-reused")
    assert list(Holiday.unscoped.values_list("name", flat=True)) == ["Thanksgiving"]


def test_same_key_on_a_different_office_url_is_a_422_problem(signed_in, hq_admin, nyc, london):
    client = signed_in(hq_admin)
    add_holiday(client, "NYC", THANKSGIVING, key="reused")

    response = add_holiday(client, "LON", THANKSGIVING, key="reused")

    assert_problem(response, 422)
    assert Holiday.unscoped.get().office == nyc


def test_same_key_used_by_a_different_principal_is_independent(signed_in, nyc_supervisor, hq_admin):
    add_holiday(signed_in(nyc_supervisor), "NYC", THANKSGIVING, key="shared-key")

    response = add_holiday(
        signed_in(hq_admin), "NYC", {"date": "2027-12-24", "name": "Christmas Eve"}, key="shared-key"
    )

    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert sorted(Holiday.unscoped.values_list("name", flat=True)) == ["Christmas Eve", "Thanksgiving"]


def test_same_key_and_body_from_a_different_principal_is_not_a_replay(signed_in, nyc_supervisor, hq_admin):
    add_holiday(signed_in(nyc_supervisor), "NYC", THANKSGIVING, key="shared-key")

    response = add_holiday(signed_in(hq_admin), "NYC", THANKSGIVING, key="shared-key")

    # Run afresh, so it meets the one-holiday-a-day rule instead of getting nyc_supervisor's response.
    assert_problem(response, 409)
    assert not response.has_header("Idempotent-Replayed")


def test_failed_validation_does_not_burn_the_key(signed_in, nyc_supervisor):
    client = signed_in(nyc_supervisor)

    rejected = add_holiday(client, "NYC", {"date": "2027-11-25"}, key="fix-and-retry")
    fixed = add_holiday(client, "NYC", THANKSGIVING, key="fix-and-retry")

    assert_problem(rejected, 400)
    assert fixed.status_code == 201
    assert not fixed.has_header("Idempotent-Replayed")
    assert Holiday.unscoped.get().name == "Thanksgiving"


def test_refused_permission_does_not_burn_the_key(signed_in, nyc_clerk):
    assert_problem(add_holiday(signed_in(nyc_clerk), "NYC", THANKSGIVING, key="clerk-key"), 403)

    assert not IdempotencyRecord.objects.exists()


def test_retry_after_a_failed_validation_runs_again(signed_in, nyc_supervisor):
    client = signed_in(nyc_supervisor)

    first = add_holiday(client, "NYC", {"date": "2027-11-25"}, key="still-broken")
    second = add_holiday(client, "NYC", {"date": "2027-11-25"}, key="still-broken")

    assert_problem(first, 400)
    assert_problem(second, 400)
    assert not second.has_header("Idempotent-Replayed")


def test_key_still_being_processed_is_a_409_problem(signed_in, nyc_supervisor):
    body = json.dumps(THANKSGIVING).encode()
    path = "/api/v1/offices/NYC/holidays/"
    IdempotencyRecord.objects.create(
        principal=f"user:{nyc_supervisor.pk}",
        key="in-flight",
        method="POST",
        path=path,
        request_hash=hashlib.sha256(b"POST" + path.encode() + body).hexdigest(),
    )

    response = add_holiday(signed_in(nyc_supervisor), "NYC", THANKSGIVING, key="in-flight")

    problem = assert_problem(response, 409)
    assert problem["type"].endswith("/idempotency-key-in-progress")
    assert not Holiday.unscoped.exists()


def test_records_older_than_a_day_are_purged_and_newer_ones_kept(db):
    from datetime import timedelta

    from django.utils import timezone

    from consular.api.idempotency import purge_expired_records
    from consular.api.models import IdempotencyRecord

    old = IdempotencyRecord.objects.create(principal="client:1", key="old", method="POST", path="/", request_hash="x")
    new = IdempotencyRecord.objects.create(principal="client:1", key="new", method="POST", path="/", request_hash="x")
    IdempotencyRecord.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    assert purge_expired_records() == 1
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [new.pk]


@pytest.mark.parametrize("key", ["", "k" * 201, "has space", "ключ", "tab\there"])
def test_a_key_outside_the_published_pattern_is_a_400_and_saves_nothing(signed_in, nyc_supervisor, key):
    response = send_json(
        signed_in(nyc_supervisor), "post", "/api/v1/offices/NYC/holidays/", THANKSGIVING, **{"Idempotency-Key": key}
    )

    assert assert_problem(response, 400)["type"].endswith("/idempotency-key-missing")
    assert not Holiday.unscoped.exists()


def test_a_key_of_200_visible_characters_is_taken(signed_in, nyc_supervisor):
    response = add_holiday(signed_in(nyc_supervisor), "NYC", THANKSGIVING, key="k" * 199 + "~")

    assert response.status_code == 201, response.content
