"""The hit page (side by side, reasons, adjudication forms) and the clearances queue."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from consular.screening.models import ScreeningHit
from consular.screening.screening_actions import clear_hit
from tests.identity.factories import actor_for
from tests.screening.screening_fixtures import applicant_case, screening_hit

Status = ScreeningHit.Status


@pytest.fixture
def hit(nyc_clerk) -> ScreeningHit:
    return screening_hit(applicant_case(nyc_clerk))


def _url(hit) -> str:
    return reverse("screening_hits:hit_detail", kwargs={"pk": hit.pk})


def test_the_hit_page_shows_both_sides_and_the_reasons(hit, nyc_officer, signed_in):
    response = signed_in(nyc_officer).get(_url(hit), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<mark>YAMADA</mark>" in page
    assert "TEST." in page and "For the test." in page
    assert "date of birth unknown on one record" in page
    assert 'name="decision" value="clear"' in page
    assert "no-store" in response["Cache-Control"]


def test_the_hit_page_speaks_japanese(hit, nyc_officer, signed_in):
    client = signed_in(nyc_officer)
    client.cookies["django_language"] = "ja"
    response = client.get(_url(hit), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert 'lang="ja"' in response.content.decode()


def test_another_office_s_hit_is_404(hit, london_clerk, signed_in):
    assert signed_in(london_clerk).get(_url(hit)).status_code == 404
    assert signed_in(london_clerk).post(_url(hit), {"decision": "confirm", "version": hit.version}).status_code == 404


def test_an_officer_clears_a_sanctions_hit_and_a_supervisor_agrees(hit, nyc_officer, nyc_supervisor, signed_in):
    response = signed_in(nyc_officer).post(
        _url(hit), {"decision": "clear", "reason": "different_person_dob", "note": "Born 1990.", "version": hit.version}
    )
    assert response.status_code == 302
    hit.refresh_from_db()
    assert hit.status == Status.CLEARANCE_PROPOSED

    queue = signed_in(nyc_supervisor).get(reverse("screening_hits:clearances"))
    assert hit.subject.case.reference in queue.content.decode()
    page = signed_in(nyc_supervisor).get(_url(hit)).content.decode()
    assert 'value="agree"' in page

    response = signed_in(nyc_supervisor).post(_url(hit), {"decision": "agree", "version": hit.version})
    assert response.status_code == 302
    hit.refresh_from_db()
    assert (hit.status, hit.decided_by) == (Status.CLEARED, "nyc_supervisor")


def test_the_proposer_sees_no_agree_button(hit, nyc_supervisor, signed_in):
    clear_hit(hit, by=actor_for(nyc_supervisor), reason="other", note="Other man.", expected_version=hit.version)
    page = signed_in(nyc_supervisor).get(_url(hit)).content.decode()
    assert 'value="agree"' not in page
    response = signed_in(nyc_supervisor).post(_url(hit), {"decision": "agree", "version": hit.version})
    assert response.status_code == 403
    hit.refresh_from_db()
    assert hit.status == Status.CLEARANCE_PROPOSED


def test_a_clerk_cannot_adjudicate(hit, nyc_clerk, signed_in):
    page = signed_in(nyc_clerk).get(_url(hit)).content.decode()
    assert 'name="decision"' not in page
    response = signed_in(nyc_clerk).post(_url(hit), {"decision": "confirm", "version": hit.version})
    assert response.status_code == 403
    hit.refresh_from_db()
    assert hit.status == Status.OPEN


def test_a_stale_version_is_a_conflict_and_saves_nothing(hit, nyc_officer, signed_in):
    ScreeningHit.objects.filter(pk=hit.pk).update(version=hit.version + 1)
    response = signed_in(nyc_officer).post(_url(hit), {"decision": "confirm", "version": hit.version})
    assert response.status_code == 409
    hit.refresh_from_db()
    assert hit.status == Status.OPEN


def test_clearing_without_a_reason_is_refused_with_the_form(hit, nyc_officer, signed_in):
    response = signed_in(nyc_officer).post(_url(hit), {"decision": "clear", "note": "x", "version": hit.version})
    assert response.status_code == 400
    hit.refresh_from_db()
    assert hit.status == Status.OPEN


def test_the_clearances_queue_is_for_second_persons(nyc_clerk, nyc_officer, signed_in):
    assert signed_in(nyc_officer).get(reverse("screening_hits:clearances")).status_code == 403


def test_the_case_include_lists_the_hits(hit):
    with translation.override("en"):
        html = render_to_string("screening/hits/case_hits.html", {"hits": [hit]})
    assert _url(hit) in html
    assert "Not adjudicated" in html
