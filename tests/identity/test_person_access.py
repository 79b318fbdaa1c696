"""Identity's own record of which offices may read a person, written by the workflow floor above it."""

from consular.identity.actions import create_person, grant_person_access
from consular.identity.models import Person, PersonAccess
from consular.workflow.actions import fire, open_case
from tests.identity.factories import PersonFactory, actor_for


def _offices(person) -> set[str]:
    return set(PersonAccess.objects.filter(person=person).values_list("office__code", flat=True))


def test_the_office_that_records_a_person_may_read_them(nyc_clerk):
    person = create_person(by=actor_for(nyc_clerk), family_name="ONO", sex="F", birth_year=1990, nationalities=["JPN"])
    assert _offices(person) == {"NYC"}


def test_opening_a_case_at_another_office_lets_that_office_read_the_person(nyc, london_clerk):
    person = PersonFactory(created_by_office=nyc)
    london = actor_for(london_clerk)
    assert not Person.unscoped.visible_to(london).filter(pk=person.pk).exists()
    open_case("enquiry", person=person, by=london)
    assert _offices(person) == {"NYC", "LON"}
    assert Person.unscoped.visible_to(london).filter(pk=person.pk).exists()


def test_a_hand_over_lets_the_receiving_office_read_the_person_and_the_sender_keeps_reading(
    nyc, hq, nyc_clerk, nyc_supervisor
):
    person = PersonFactory(created_by_office=nyc)
    case = open_case("enquiry", person=person, by=actor_for(nyc_clerk))
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=case.version)
    fire(case, "refer_to_hq", by=actor_for(nyc_supervisor), expected_version=case.version, note="Please advise.")
    assert _offices(person) == {"NYC", "HQ"}


def test_granting_twice_writes_one_row(nyc):
    person = PersonFactory(created_by_office=nyc)
    grant_person_access([person.pk, person.pk], nyc)
    grant_person_access([person.pk], nyc)
    assert PersonAccess.objects.filter(person=person).count() == 1


def test_a_merge_gives_the_kept_record_every_office_of_both(nyc, london, nyc_supervisor):
    from consular.identity.actions import merge_persons

    keep = PersonFactory(created_by_office=nyc)
    duplicate = PersonFactory(created_by_office=nyc)
    grant_person_access([duplicate.pk], london)
    merge_persons(
        keep=keep, merge=duplicate, by=actor_for(nyc_supervisor), expected_versions=(keep.version, duplicate.version)
    )
    assert _offices(keep) == {"NYC", "LON"}
