"""Screening an applicant: candidates by blocking keys, names and aliases scored, documents, the entry's version."""

import pytest

from consular.screening import screening
from consular.screening.models import EntryKey, ListEntry, ScreeningSubject
from consular.screening.screening import Applicant, find, rebuild_entry_keys
from consular.screening.signals import subject_screened
from tests.identity.factories import PersonFactory
from tests.screening.screening_fixtures import (
    ALIAS_OF_PAK_HAN_SE,
    LISTED_PASSPORT,
    applicant_case,
    only_hit,
    screened,
    un_excerpt,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.usefixtures("un_excerpt")


def test_the_import_keys_every_name_of_every_entry_in_force():
    assert EntryKey.objects.filter(entry__reference="KPi.049").count() > 4
    assert EntryKey.objects.values("entry").distinct().count() == ListEntry.objects.listed().count()


def test_rebuilding_the_keys_writes_the_same_keys():
    before = sorted(EntryKey.objects.values_list("entry_id", "key"))
    rebuild_entry_keys()
    assert sorted(EntryKey.objects.values_list("entry_id", "key")) == before


def test_blocking_finds_a_un_individual_by_an_alias(nyc_clerk, django_capture_on_commit_callbacks):
    case = applicant_case(nyc_clerk, **ALIAS_OF_PAK_HAN_SE)

    subject = screened(case, nyc_clerk, django_capture_on_commit_callbacks)

    assert subject.status == ScreeningSubject.Status.SCREENED
    hit = only_hit(subject)
    assert hit.entry.reference.strip() == "KPi.049"
    assert hit.matched_on == "name"
    assert hit.matched_name.strip() == "Kang Myong Chol"
    assert hit.score >= 85
    assert {reason["field"] for reason in hit.reasons} == {"name", "birth_date", "nationality"}


def test_few_candidates_are_scored_for_an_applicant(nyc):
    person = PersonFactory.build(**ALIAS_OF_PAK_HAN_SE)
    result = find(Applicant.of(person, []))
    assert 1 <= result.candidates_scored <= 3


def test_an_applicant_on_no_list_has_no_hit(nyc_clerk, django_capture_on_commit_callbacks):
    subject = screened(applicant_case(nyc_clerk), nyc_clerk, django_capture_on_commit_callbacks)
    assert subject.status == ScreeningSubject.Status.SCREENED
    assert not subject.hits.exists()


def test_a_listed_document_is_a_hit_whatever_the_name(nyc_clerk, django_capture_on_commit_callbacks):
    case = applicant_case(nyc_clerk)

    subject = screened(case, nyc_clerk, django_capture_on_commit_callbacks, documents=[LISTED_PASSPORT])

    hit = only_hit(subject)
    assert hit.entry.reference == "QDi.309"
    assert (hit.matched_on, hit.score) == ("document", 100)
    assert hit.reasons[0] == {"text": "document number the same, issued by PAK", "field": "document"}
    assert subject.documents == [{"kind": "passport", "issuing_state": "PAK", "number": "CV9157521"}]


def test_the_same_number_from_another_state_is_no_hit(nyc_clerk, django_capture_on_commit_callbacks):
    subject = screened(
        applicant_case(nyc_clerk),
        nyc_clerk,
        django_capture_on_commit_callbacks,
        documents=[{**LISTED_PASSPORT, "issuing_state": "IND"}],
    )
    assert not subject.hits.exists()


def test_a_hit_records_the_entry_version(nyc_clerk, django_capture_on_commit_callbacks):
    entry = ListEntry.objects.get(reference__startswith="KPi.049")
    ListEntry.objects.filter(pk=entry.pk).update(version=3)

    subject = screened(applicant_case(nyc_clerk, **ALIAS_OF_PAK_HAN_SE), nyc_clerk, django_capture_on_commit_callbacks)

    hit = only_hit(subject)
    assert (hit.entry_version, hit.entry_fingerprint) == (3, entry.fingerprint)


def test_screening_again_writes_nothing_new_and_signals_once(nyc_clerk, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, subject, **kwargs):
        received.append(subject.pk)

    subject_screened.connect(receiver)
    try:
        subject = screened(
            applicant_case(nyc_clerk, **ALIAS_OF_PAK_HAN_SE), nyc_clerk, django_capture_on_commit_callbacks
        )
        hit = only_hit(subject)
        with django_capture_on_commit_callbacks(execute=True):
            from consular.screening.tasks import screen_subject

            screen_subject.delay(subject.pk)
    finally:
        subject_screened.disconnect(receiver)

    assert received == [subject.pk]
    again = only_hit(subject)
    assert (again.pk, again.version, again.updated_at) == (hit.pk, hit.version, hit.updated_at)


def test_the_candidate_read_is_one_query(django_assert_num_queries):
    keys = screening.name_keys("KANG", "MYONG CHOL")
    with django_assert_num_queries(1):
        assert screening.candidate_ids(keys)


def test_an_equal_date_of_birth_is_the_most_a_date_adds():
    """`could_match` scores names with equal dates: sound only while no other agreement earns more."""
    from consular.identity.names import BIRTH_DATE_POINTS

    assert BIRTH_DATE_POINTS["same"] == max(BIRTH_DATE_POINTS.values())


def test_could_match_never_rules_out_a_match_of_the_labelled_set():
    """Every pair of the labelled screening set, under every date either side holds: a match passes could_match."""
    import csv
    from pathlib import Path

    from consular.identity.names import NameRecord, PartialDate, score

    with Path("tests/identity/data/screening_dev.csv").open(encoding="utf-8") as labelled:
        rows = list(csv.DictReader(labelled))
    dates = {PartialDate.parse(row[f"{side}_dob"]) for row in rows for side in ("list", "query")}
    matches = 0
    for row in rows:
        for listed_birth in dates:
            listed = NameRecord(row["list_family"], row["list_given"], listed_birth, row["list_nat"])
            query = NameRecord(
                row["query_family"], row["query_given"], PartialDate.parse(row["query_dob"]), row["query_nat"]
            )
            if score(listed, query).is_match:
                matches += 1
                assert screening.could_match(
                    listed.family, listed.given, listed.nationality, (query.family, query.given, query.nationality)
                ), row
    assert matches > 0
