"""The case list's written-out SQL gives exactly the rows CaseQuerySet.visible_to gives, for the whole cast."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consular.offices.scoping import Actor
from consular.workflow.listing import case_page
from consular.workflow.models import Case, CaseAccess
from tests.identity.factories import actor_for
from tests.workflow.test_views import make_cases


@pytest.fixture
def cases(person, nyc, london, hq, osaka):
    """Cases held at each office, one handed from NYC to HQ and one from LON to NYC, all at one instant pair."""
    at_nyc = make_cases(3, person, nyc)
    at_london = make_cases(2, person, london, status="in_progress")
    at_osaka = make_cases(1, person, osaka)
    for case in at_nyc + at_london + at_osaka:
        CaseAccess.objects.create(case=case, office=case.current_office)
    referred, handed_in = at_nyc[0], at_london[0]
    Case.unscoped.filter(pk=referred.pk).update(current_office=hq, status="referred")
    CaseAccess.objects.create(case=referred, office=hq)
    Case.unscoped.filter(pk=handed_in.pk).update(current_office=nyc)
    CaseAccess.objects.create(case=handed_in, office=nyc)
    # Two cases submitted at the same instant: the id breaks the tie, across pages too.
    same = timezone.now() - timedelta(days=1)
    Case.unscoped.filter(pk__in=[at_nyc[1].pk, at_nyc[2].pk]).update(submitted_at=same)
    return Case.unscoped.order_by("pk")


def orm_ids(actor, **filters) -> list[int]:
    return list(Case.unscoped.visible_to(actor).filter(**filters).order_by("-submitted_at", "-id")
                .values_list("id", flat=True))


def sql_ids(actor, size=100, **filters) -> list[int]:
    return [row["id"] for row in case_page(actor, size=size, **filters)]


@pytest.mark.parametrize("member", ["nyc_clerk", "london_clerk", "hq_officer", "auditor", "osaka_client"])
def test_the_sql_and_the_queryset_agree_for_every_member_of_the_cast(request, cases, member, osaka):
    if member == "osaka_client":
        actor = Actor(office=osaka, role="officer", api_client=request.getfixturevalue("osaka_client")[0])
    else:
        actor = actor_for(request.getfixturevalue(member))

    assert sql_ids(actor) == orm_ids(actor)
    assert sql_ids(actor, status="referred") == orm_ids(actor, status="referred")
    assert sql_ids(actor, case_type="enquiry") == orm_ids(actor, case_type="enquiry")
    assert sql_ids(actor, case_type="passport") == []


def test_a_mission_sees_what_it_holds_and_what_it_handed_over_but_not_others(cases, nyc_clerk, nyc):
    visible = set(sql_ids(actor_for(nyc_clerk)))

    held_or_held_before = set(Case.unscoped.filter(access__office=nyc).values_list("id", flat=True))
    assert visible == held_or_held_before and len(visible) == 4


def test_pages_after_a_row_continue_without_repeats_or_gaps_through_ties(cases, hq_officer):
    actor = actor_for(hq_officer)
    everything = sql_ids(actor)
    seen, after = [], None
    while True:
        page = case_page(actor, size=2, after=after)
        seen += [row["id"] for row in page]
        if len(page) < 2:
            break
        after = (page[-1]["submitted_at"], page[-1]["id"])

    assert seen == everything and len(seen) == 6


def test_rows_carry_aware_times(cases, hq_officer):
    row = case_page(actor_for(hq_officer), size=1)[0]

    assert row["submitted_at"].tzinfo is not None and row["due_at"] is None
