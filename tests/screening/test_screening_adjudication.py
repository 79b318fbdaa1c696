"""Adjudicating hits: who may, a second person for sanctions lists, stale versions, what blocks a decision."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from consular.audit.models import AuditEntry
from consular.screening.models import ScreeningHit, Watchlist
from consular.screening.screening_actions import (
    AdjudicationRefused,
    agree_clearance,
    clear_hit,
    confirm_hit,
    decision_blockers,
    has_confirmed_hit,
    hits_for,
    reject_clearance,
)
from consular.versions import StaleVersion
from tests.identity.factories import actor_for
from tests.screening.screening_fixtures import (
    ALIAS_OF_PAK_HAN_SE,
    applicant_case,
    only_hit,
    screened,
    un_excerpt,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.usefixtures("un_excerpt")
Status = ScreeningHit.Status
REASON = ScreeningHit.ClearReason.DIFFERENT_PERSON_DOB


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def case(nyc_clerk):
    return applicant_case(nyc_clerk, **ALIAS_OF_PAK_HAN_SE)


@pytest.fixture
def hit(case, nyc_clerk, django_capture_on_commit_callbacks) -> ScreeningHit:
    return only_hit(screened(case, nyc_clerk, django_capture_on_commit_callbacks))


def test_a_case_not_screened_yet_cannot_be_decided(nyc_clerk):
    case = applicant_case(nyc_clerk)
    assert decision_blockers(case) == ["The applicant has not been screened against the watchlists yet."]


def test_an_open_hit_blocks_the_decision(case, hit):
    assert decision_blockers(case) == ["1 screening hit is not adjudicated."]
    assert list(hits_for(case)) == [hit]


def test_an_officer_confirms_a_hit_and_it_blocks_approval(case, hit, nyc_officer):
    confirm_hit(hit, by=actor_for(nyc_officer), note="Photo and birthplace agree.", expected_version=hit.version)

    hit.refresh_from_db()
    assert (hit.status, hit.decided_by, hit.decided_by_user) == (Status.CONFIRMED, "nyc_officer", nyc_officer)
    assert decision_blockers(case) == []
    assert has_confirmed_hit(case)
    entry = AuditEntry.objects.get(object_type="screening.screeninghit", object_id=str(hit.pk))
    assert entry.changes["status"] == ["open", "confirmed"]


def test_clearing_a_sanctions_hit_needs_a_second_person(case, hit, nyc_officer, nyc_supervisor):
    clear_hit(hit, by=actor_for(nyc_officer), reason=REASON, note="Born 1990.", expected_version=hit.version)
    assert hit.status == Status.CLEARANCE_PROPOSED
    assert decision_blockers(case) == ["1 clearance of a screening hit awaits a second person."]

    agree_clearance(hit, by=actor_for(nyc_supervisor), expected_version=hit.version)

    hit.refresh_from_db()
    assert (hit.status, hit.proposed_by, hit.decided_by) == (Status.CLEARED, "nyc_officer", "nyc_supervisor")
    assert decision_blockers(case) == []
    assert not has_confirmed_hit(case)


def test_the_proposer_cannot_agree_to_their_own_clearance(hit, nyc_supervisor):
    clear_hit(hit, by=actor_for(nyc_supervisor), reason=REASON, note="Born 1990.", expected_version=hit.version)

    with pytest.raises(AdjudicationRefused, match="you proposed this clearance yourself"):
        agree_clearance(hit, by=actor_for(nyc_supervisor), expected_version=hit.version)
    hit.refresh_from_db()
    assert hit.status == Status.CLEARANCE_PROPOSED


def test_an_officer_is_no_second_person(hit, nyc_officer, nyc_supervisor):
    clear_hit(hit, by=actor_for(nyc_supervisor), reason=REASON, note="Born 1990.", expected_version=hit.version)
    with pytest.raises(AdjudicationRefused):
        agree_clearance(hit, by=actor_for(nyc_officer), expected_version=hit.version)


def test_a_rejected_clearance_is_open_again(hit, nyc_officer, hq_officer):
    clear_hit(hit, by=actor_for(nyc_officer), reason=REASON, note="Born 1990.", expected_version=hit.version)

    reject_clearance(
        hit, by=actor_for(hq_officer), note="The birth year is a known alias.", expected_version=hit.version
    )

    hit.refresh_from_db()
    assert (hit.status, hit.clear_reason) == (Status.OPEN, "")


def test_on_another_list_a_clearance_takes_effect_at_once(case, hit, nyc_officer):
    Watchlist.objects.filter(pk=hit.entry.watchlist_id).update(kind=Watchlist.Kind.REFUSED_ENTRY)
    hit = ScreeningHit.objects.get(pk=hit.pk)

    clear_hit(hit, by=actor_for(nyc_officer), reason=REASON, note="Born 1990.", expected_version=hit.version)

    assert hit.status == Status.CLEARED
    assert decision_blockers(case) == []


@pytest.mark.parametrize("member", ["nyc_clerk", "auditor"])
def test_clerks_and_auditors_cannot_adjudicate(hit, member, request):
    by = actor_for(request.getfixturevalue(member))
    with pytest.raises(AdjudicationRefused):
        confirm_hit(hit, by=by, expected_version=hit.version)
    with pytest.raises(AdjudicationRefused):
        clear_hit(hit, by=by, reason=REASON, note="No.", expected_version=hit.version)
    hit.refresh_from_db()
    assert hit.status == Status.OPEN


def test_a_stale_version_is_a_conflict(hit, nyc_officer, nyc_supervisor):
    read = hit.version
    confirm_hit(ScreeningHit.objects.get(pk=hit.pk), by=actor_for(nyc_supervisor), expected_version=read)

    with pytest.raises(StaleVersion):
        # `hit` is the page's copy: read before the supervisor confirmed it.
        clear_hit(hit, by=actor_for(nyc_officer), reason=REASON, note="Born 1990.", expected_version=read)
    assert ScreeningHit.objects.get(pk=hit.pk).status == Status.CONFIRMED


def test_clearing_needs_a_reason_and_a_note(hit, nyc_officer):
    with pytest.raises(ValidationError):
        clear_hit(hit, by=actor_for(nyc_officer), reason="", note="Born 1990.", expected_version=hit.version)
    with pytest.raises(ValidationError):
        clear_hit(hit, by=actor_for(nyc_officer), reason=REASON, note="  ", expected_version=hit.version)
