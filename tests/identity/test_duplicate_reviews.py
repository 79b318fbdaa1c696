"""The duplicate check tells a caller nothing about persons it may not read; HQ reviews those pairs.

Finding: as London, creating a person recorded at New York answered 409 with a score and the
office, score 100 for the true day of birth and 97 for the day next to it, so repeated probes
recovered another office's person's exact date of birth, and no probe was audited.
"""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from consular.accounts.views import REAUTHENTICATED_AT
from consular.audit.models import AuditEntry
from consular.identity import actions
from consular.identity.models import DuplicateReview, Person, PersonAccess, Sex
from consular.identity.names import PartialDate
from tests.api.conftest import send_json
from tests.identity.factories import actor_for

TANAKA = {
    "family_name": "TANAKA",
    "given_names": "MIDORI",
    "sex": Sex.FEMALE,
    "birth_year": 1979,
    "birth_month": 11,
    "birth_day": 23,
    "nationalities": ["JPN"],
}


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def at_new_york(nyc_clerk) -> Person:
    return actions.create_person(by=actor_for(nyc_clerk), **TANAKA)


def _post(client, body: dict, url: str = "/api/v1/persons/"):
    return send_json(client, "post", url, body, **{"Idempotency-Key": str(uuid.uuid4())})


def _as_api(body: dict) -> dict:
    return {**body, "sex": str(body["sex"])}


def _form(**changes) -> dict:
    fields = {**TANAKA, **changes}
    return {
        **{name: str(value) for name, value in fields.items() if name != "nationalities"},
        "nationalities": " ".join(fields["nationalities"]),
    }


# What the caller learns


def test_a_probe_with_the_true_or_a_neighbouring_birthday_gets_the_same_answer(at_new_york, london_clerk, signed_in):
    client = signed_in(london_clerk)
    # confirm_new, as a prober would send: the second probe would otherwise meet the first one's record.
    true_day = _post(client, {**_as_api(TANAKA), "confirm_new": True}).json()
    next_day = _post(client, {**_as_api({**TANAKA, "birth_day": 24}), "confirm_new": True}).json()
    assert true_day["duplicate_review"] == next_day["duplicate_review"] == "pending"
    # Nothing but the caller's own new record comes back: no score, no office, no other record.
    for answer in (true_day, next_day):
        assert set(answer) == set(true_day)
        assert "score" not in answer and "office" not in answer and "duplicates" not in answer
        assert answer["id"] != at_new_york.pk


def test_the_passport_api_hides_other_offices_persons_the_same_way(at_new_york, osaka_client, api):
    import base64

    from tests.passports.factories import fee_schedule, passport_photo

    fee_schedule()
    photo = base64.b64encode(passport_photo()).decode()
    body = {"new_person": _as_api(TANAKA), "kind": "new", "validity_years": 10, "photo": photo}
    response = _post(api(osaka_client[1]), body, "/api/v1/passports/applications/")
    assert response.status_code == 201, response.content
    assert "TANAKA" not in response.content.decode().replace('"family_name":"TANAKA"', "")
    review = DuplicateReview.unscoped.get()
    assert (review.candidate, review.raised_by_office.code) == (at_new_york, "OSA")


def test_the_page_says_only_that_hq_will_review_and_lets_the_clerk_carry_on(at_new_york, london_clerk, signed_in):
    response = signed_in(london_clerk).post(reverse("identity:person_create"), _form(), follow=True)
    text = response.content.decode()
    assert response.status_code == 200
    assert "HQ will check whether this person is already on file at another office" in text
    assert "NYC" not in text and "score" not in text.lower()
    created = Person.unscoped.exclude(pk=at_new_york.pk).get()
    assert response.redirect_chain[-1][0] == reverse("identity:person_detail", kwargs={"pk": created.pk})
    assert "HQ is checking whether this person is already on file" in text


def test_readable_duplicates_are_still_shown_first(at_new_york, nyc_clerk, signed_in):
    response = signed_in(nyc_clerk).post(reverse("identity:person_create"), _form())
    assert response.status_code == 200
    assert [d.person for d in response.context["duplicates"]] == [at_new_york]
    assert not DuplicateReview.unscoped.exists()


def test_no_review_when_nothing_matches(at_new_york, london_clerk, signed_in):
    answer = _post(signed_in(london_clerk), _as_api({**TANAKA, "family_name": "WATANUKI", "birth_year": 1950})).json()
    assert answer["duplicate_review"] is None
    assert not DuplicateReview.unscoped.exists()


# Audit and rate limit


def test_every_duplicate_check_is_audited_as_a_read_naming_the_candidates(at_new_york, london_clerk, signed_in):
    _post(signed_in(london_clerk), _as_api(TANAKA))
    entry = AuditEntry.unscoped.get(username="london_clerk", action="read", object_repr=actions.NEAR_MISS)
    assert entry.changes["hidden"] == str(at_new_york.pk)
    assert entry.changes["date_of_birth"] == "1979-11-23"


def test_a_check_answered_409_is_audited_although_the_request_rolls_back(at_new_york, nyc_clerk, signed_in):
    response = _post(signed_in(nyc_clerk), _as_api(TANAKA))
    assert response.status_code == 409
    entry = AuditEntry.unscoped.get(username="nyc_clerk", object_repr=actions.DUPLICATE_CHECK)
    assert entry.changes["persons"] == str(at_new_york.pk)


def test_repeated_near_miss_probes_are_stopped_for_the_hour(at_new_york, london_clerk, signed_in):
    by = actor_for(london_clerk)
    for day in range(20, 20 + actions.NEAR_MISSES_PER_HOUR):  # days near the true 23rd: each a near miss
        found = actions.check_for_duplicates(
            by=by, family_name="TANAKA", given_names="MIDORI", date_of_birth=PartialDate(1979, 11, day)
        )
        assert found.hidden  # each one met New York's record: a near miss
    before = Person.unscoped.count()
    client = signed_in(london_clerk)

    stopped = _post(client, {**_as_api({**TANAKA, "birth_day": 28}), "confirm_new": True})
    unrelated = _post(client, _as_api({**TANAKA, "family_name": "WATANUKI", "birth_year": 1950}))

    # Refused whatever the probe would find, so the refusal itself says nothing; nothing saved.
    assert stopped.status_code == unrelated.status_code == 429
    assert stopped["Content-Type"].startswith("application/problem+json") and stopped["Retry-After"]
    assert Person.unscoped.count() == before
    refusals = AuditEntry.unscoped.filter(username="london_clerk", object_repr=f"{actions.DUPLICATE_CHECK}: refused")
    assert refusals.count() == 2


def test_the_same_question_asked_twice_counts_once(at_new_york, london_clerk):
    by = actor_for(london_clerk)
    for _ in range(actions.NEAR_MISSES_PER_HOUR + 2):
        actions.check_for_duplicates(by=by, family_name="TANAKA", given_names="MIDORI")
    assert actions.check_for_duplicates(by=by, family_name="TANAKA", given_names="MIDORI").hidden  # not refused


def test_the_page_refuses_paused_checks_clearly_and_saves_nothing(at_new_york, london_clerk, signed_in):
    by = actor_for(london_clerk)
    for day in range(20, 20 + actions.NEAR_MISSES_PER_HOUR):  # days near the true 23rd: each a near miss
        actions.check_for_duplicates(
            by=by, family_name="TANAKA", given_names="MIDORI", date_of_birth=PartialDate(1979, 11, day)
        )
    before = Person.unscoped.count()
    response = signed_in(london_clerk).post(reverse("identity:person_create"), _form(birth_year="1988"))
    assert response.status_code == 429
    assert "Checking is paused for an hour" in response.content.decode()
    assert Person.unscoped.count() == before


# HQ's review queue


@pytest.fixture
def review(at_new_york, london_clerk) -> DuplicateReview:
    recorded = actions.record_new_person(by=actor_for(london_clerk), fields=dict(TANAKA), confirm_new=False)
    assert recorded.review_pending
    return DuplicateReview.unscoped.get(person=recorded.person)


@pytest.fixture
def hq_supervisor(hq):
    from tests.conftest import _staff

    return _staff("hq_supervisor", hq, "supervisor")


def _reauthenticated(client):
    session = client.session
    session[REAUTHENTICATED_AT] = timezone.now().isoformat()
    session.save()
    return client


def test_hq_lists_pending_reviews_and_missions_get_a_404(review, hq_officer, london_clerk, nyc_clerk, signed_in):
    listing = signed_in(hq_officer).get(reverse("identity:review_list"))
    assert listing.status_code == 200 and "TANAKA MIDORI" in listing.content.decode()
    for mission in (london_clerk, nyc_clerk):
        assert signed_in(mission).get(reverse("identity:review_list")).status_code == 404
        assert signed_in(mission).get(reverse("identity:review_detail", kwargs={"pk": review.pk})).status_code == 404


def test_hq_marks_a_pair_distinct_with_a_reason_audited(review, hq_officer, signed_in):
    client = signed_in(hq_officer)
    url = reverse("identity:review_detail", kwargs={"pk": review.pk})
    page = client.get(url)
    assert page.status_code == 200 and "1979-11-23" in page.content.decode()
    refused = client.post(url, {"decision": "distinct", "note": "", "version": review.version})
    assert refused.status_code == 400
    decided = client.post(url, {"decision": "distinct", "note": "Different mothers' names.", "version": review.version})
    assert decided.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.decided_by) == (DuplicateReview.Status.DISTINCT, "hq_officer")
    assert AuditEntry.unscoped.filter(
        object_type="identity.duplicatereview", object_id=str(review.pk), action="update"
    ).exists()


def test_a_review_names_who_raised_and_who_decided_it_by_name(review, hq_officer, signed_in):
    client = signed_in(hq_officer)
    url = reverse("identity:review_detail", kwargs={"pk": review.pk})
    raised = client.get(url).content.decode()
    assert '<span class="staff-name" title="london_clerk">Test London_Clerk' in raised
    client.post(url, {"decision": "distinct", "note": "Different mothers' names.", "version": review.version})
    decided = client.get(url).content.decode()
    assert '<span class="staff-name" title="hq_officer">Test Hq_Officer' in decided


def test_a_stale_decision_is_a_conflict_and_changes_nothing(review, hq_officer, signed_in):
    DuplicateReview.unscoped.filter(pk=review.pk).update(version=2)
    url = reverse("identity:review_detail", kwargs={"pk": review.pk})
    response = signed_in(hq_officer).post(url, {"decision": "distinct", "note": "No.", "version": 1})
    assert response.status_code == 409
    assert DuplicateReview.unscoped.get(pk=review.pk).status == DuplicateReview.Status.PENDING


def test_an_hq_supervisor_links_the_records_and_the_mission_then_reads_the_kept_one(
    review, hq_supervisor, hq_officer, london_clerk, signed_in
):
    url = reverse("identity:review_detail", kwargs={"pk": review.pk})
    officer = signed_in(hq_officer).post(
        url,
        {"decision": "same_person", "note": "", "version": review.version, "person_version": 1, "candidate_version": 1},
    )
    assert officer.status_code == 403  # merging is a supervisor's step
    client = _reauthenticated(signed_in(hq_supervisor))
    response = client.post(
        url,
        {
            "decision": "same_person",
            "note": "Same passport number on file.",
            "version": review.version,
            "person_version": review.person.version,
            "candidate_version": review.candidate.version,
        },
    )
    assert response.status_code == 302, response.content
    review.refresh_from_db()
    assert review.status == DuplicateReview.Status.SAME_PERSON
    assert Person.unscoped.get(pk=review.person_id).merged_into_id == review.candidate_id
    assert PersonAccess.objects.filter(person=review.candidate, office__code="LON").exists()
    kept_page = reverse("identity:person_detail", kwargs={"pk": review.candidate_id})
    assert signed_in(london_clerk).get(kept_page).status_code == 200


def test_the_mission_sees_only_that_a_review_is_pending(review, london_clerk, signed_in):
    page = signed_in(london_clerk).get(reverse("identity:person_detail", kwargs={"pk": review.person_id}))
    text = page.content.decode()
    assert "HQ is checking whether this person is already on file" in text
    candidate_page = reverse("identity:person_detail", kwargs={"pk": review.candidate_id})
    assert candidate_page not in text and "NYC" not in text


def test_hq_home_counts_the_waiting_reviews_and_links_to_them(review, hq_officer, nyc_clerk, signed_in):
    home = signed_in(hq_officer).get("/")
    panel = next(panel for panel in home.context["panels"] if panel.key == "duplicate_reviews")
    assert panel.figures[0].value == 1 and panel.figures[0].url == reverse("identity:review_list")
    assert reverse("identity:review_list") in signed_in(hq_officer).get(reverse("identity:person_search")).text
    assert all(panel.key != "duplicate_reviews" for panel in signed_in(nyc_clerk).get("/").context["panels"])


def test_a_merge_without_a_fresh_confirmation_keeps_the_page_and_merges_nothing(review, hq_supervisor, signed_in):
    url = reverse("identity:review_detail", kwargs={"pk": review.pk})
    response = signed_in(hq_supervisor).post(
        url,
        {
            "decision": "same_person",
            "note": "Same passport number.",
            "version": review.version,
            "person_version": review.person.version,
            "candidate_version": review.candidate.version,
        },
    )
    assert response.status_code == 403
    assert "Confirm it is you" in response.content.decode() and "Same passport number." in response.content.decode()
    assert Person.unscoped.get(pk=review.person_id).merged_into_id is None
    assert DuplicateReview.unscoped.get(pk=review.pk).status == DuplicateReview.Status.PENDING
