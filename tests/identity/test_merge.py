import pytest
from django.core.exceptions import PermissionDenied

from consular.audit.models import AuditEntry
from consular.identity.actions import MergeRefused, create_person, merge_persons
from consular.identity.models import IdentityDocument, Person, Sex
from consular.identity.search import search_persons
from consular.versions import StaleVersion
from consular.workflow.actions import open_case
from consular.workflow.models import Case
from tests.identity.factories import IdentityDocumentFactory, actor_for

TARO = {
    "family_name": "SATO",
    "given_names": "TARO",
    "sex": Sex.MALE,
    "birth_year": 1979,
    "birth_month": 2,
    "birth_day": 11,
    "nationalities": ["JPN"],
}


def on_file(user, **fields) -> Person:
    return create_person(by=actor_for(user), **{**TARO, **fields})


@pytest.fixture
def pair(nyc_clerk):
    keep = on_file(nyc_clerk)
    duplicate = on_file(nyc_clerk, family_name="SATOU")
    return keep, duplicate


def _merge(keep: Person, duplicate: Person, user) -> Person:
    return merge_persons(
        keep=keep, merge=duplicate, by=actor_for(user), expected_versions=(keep.version, duplicate.version)
    )


def test_merging_moves_documents_and_cases_and_keeps_both_records(pair, nyc_clerk, nyc_supervisor):
    keep, duplicate = pair
    document = IdentityDocumentFactory(person=duplicate)
    case = open_case("enquiry", person=duplicate, by=actor_for(nyc_clerk))
    _merge(keep, duplicate, nyc_supervisor)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert IdentityDocument.unscoped.get(pk=document.pk).person == keep
    assert Case.unscoped.get(pk=case.pk).person == keep
    assert Person.unscoped.filter(pk__in=[keep.pk, duplicate.pk]).count() == 2


def test_merging_is_audited_with_the_moved_ids(pair, nyc_clerk, nyc_supervisor):
    keep, duplicate = pair
    document = IdentityDocumentFactory(person=duplicate)
    case = open_case("enquiry", person=duplicate, by=actor_for(nyc_clerk))
    _merge(keep, duplicate, nyc_supervisor)
    on_keep = AuditEntry.unscoped.filter(object_type="identity.person", object_id=str(keep.pk)).latest("id")
    assert on_keep.username == "nyc_supervisor"
    assert on_keep.changes["merged_from"] == [None, duplicate.pk]
    assert on_keep.changes["documents"] == [None, str(document.pk)]
    assert on_keep.changes["cases"] == [None, str(case.pk)]
    on_duplicate = AuditEntry.unscoped.filter(object_type="identity.person", object_id=str(duplicate.pk)).latest("id")
    assert on_duplicate.changes == {"merged_into": [None, keep.pk]}


def test_a_merged_person_is_found_through_the_one_kept(pair, nyc_supervisor):
    keep, duplicate = pair
    _merge(keep, duplicate, nyc_supervisor)
    results = search_persons(actor=actor_for(nyc_supervisor), q="SATOU TARO")
    assert [r.person for r in results] == [keep]


def test_a_clerk_cannot_merge(pair, nyc_clerk):
    keep, duplicate = pair
    with pytest.raises(PermissionDenied):
        _merge(keep, duplicate, nyc_clerk)
    assert Person.unscoped.get(pk=duplicate.pk).merged_into is None


def test_an_auditor_cannot_merge(pair, auditor):
    keep, duplicate = pair
    with pytest.raises(PermissionDenied):
        _merge(keep, duplicate, auditor)


def test_another_offices_supervisor_cannot_merge(pair, london_supervisor):
    keep, duplicate = pair
    with pytest.raises(PermissionDenied):
        _merge(keep, duplicate, london_supervisor)
    assert Person.unscoped.get(pk=duplicate.pk).merged_into is None


def test_a_stale_version_is_a_conflict_and_moves_nothing(pair, nyc_supervisor):
    keep, duplicate = pair
    document = IdentityDocumentFactory(person=duplicate)
    with pytest.raises(StaleVersion):
        merge_persons(
            keep=keep,
            merge=duplicate,
            by=actor_for(nyc_supervisor),
            expected_versions=(keep.version, duplicate.version - 1),
        )
    assert IdentityDocument.unscoped.get(pk=document.pk).person == duplicate
    assert Person.unscoped.get(pk=duplicate.pk).merged_into is None


def test_an_already_merged_person_cannot_be_merged_again(pair, nyc_clerk, nyc_supervisor):
    keep, duplicate = pair
    third = on_file(nyc_clerk, given_names="TAROU")
    _merge(keep, duplicate, nyc_supervisor)
    duplicate.refresh_from_db()
    with pytest.raises(MergeRefused):
        _merge(third, duplicate, nyc_supervisor)


def test_a_person_cannot_be_merged_into_themselves(pair, nyc_supervisor):
    keep, _duplicate = pair
    with pytest.raises(MergeRefused):
        _merge(keep, keep, nyc_supervisor)
