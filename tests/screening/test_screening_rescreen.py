"""After an import, only the entries it changed are screened, against the open applicants their keys find."""

from xml.etree.ElementTree import SubElement

import pytest

from consular.screening import screening, screening_actions
from consular.screening.models import ListEntry, ScreeningHit
from consular.screening.screening_actions import clear_hit, rescreen_after_import
from tests.identity.factories import actor_for
from tests.screening.conftest import import_un, individual, xml_bytes, xml_root
from tests.screening.screening_fixtures import (
    ALIAS_OF_PAK_HAN_SE,
    applicant_case,
    only_hit,
    screened,
    un_excerpt,  # noqa: F401 (a fixture)
)

pytestmark = pytest.mark.usefixtures("un_excerpt")
# KPi.033 RI WON HO, born 1964-07-17, DPRK: removed from the newer edition.
RI_WON_HO = {
    "family_name": "RI",
    "given_names": "WON HO",
    "birth_year": 1964,
    "birth_month": 7,
    "birth_day": 17,
    "nationalities": ["PRK"],
}
# QDi.190 ABDELKADER LAAGOUB, born 1966-04-23, Morocco: the newer edition gives him this alias.
NEW_ALIAS = {
    "family_name": "BENALI",
    "given_names": "KARIM",
    "birth_year": 1966,
    "birth_month": 4,
    "birth_day": 23,
    "nationalities": ["MAR"],
}


def _newer_edition(excerpt_xml: bytes, *, alias: str = "Karim Benali", drop: str | None = "KPi.033") -> bytes:
    root = xml_root(excerpt_xml)
    root.set("dateGenerated", "2018-11-05T10:00:00.000-05:00")
    if drop:
        root.find("INDIVIDUALS").remove(individual(root, drop))
    element = SubElement(individual(root, "QDi.190"), "INDIVIDUAL_ALIAS")
    SubElement(element, "QUALITY").text = "Good"
    SubElement(element, "ALIAS_NAME").text = alias
    return xml_bytes(root)


@pytest.fixture
def applicants(nyc_clerk, django_capture_on_commit_callbacks):
    subjects = {}
    for name, person in (("alias", ALIAS_OF_PAK_HAN_SE), ("ri", RI_WON_HO), ("benali", NEW_ALIAS)):
        subjects[name] = screened(applicant_case(nyc_clerk, **person), nyc_clerk, django_capture_on_commit_callbacks)
    return subjects


def test_only_the_changed_entries_are_screened_again(excerpt_xml, un_list, hq_actor, applicants, monkeypatch):
    assert not applicants["benali"].hits.exists()
    before = {hit.pk: (hit.version, hit.updated_at) for hit in ScreeningHit.objects.all()}
    scored = []
    details = screening.candidate_details
    for module in (screening, screening_actions):
        monkeypatch.setattr(module, "candidate_details", lambda ids: scored.extend(ids) or details(ids))

    report = import_un(_newer_edition(excerpt_xml), un_list, hq_actor)
    rescreen = rescreen_after_import(report.run.pk)

    changed = set(ListEntry.objects.filter(reference="QDi.190").values_list("pk", flat=True))
    assert rescreen.entries == changed
    assert set(scored) == changed  # no other entry was read, let alone scored
    assert rescreen.subjects == 1  # only the applicant whose keys the new alias shares
    hit = only_hit(applicants["benali"])
    assert (hit.entry.reference, hit.matched_name, hit.entry_version) == ("QDi.190", "Karim Benali", 2)
    alias_hit = only_hit(applicants["alias"])  # KPi.049 did not change: its hit is not rewritten
    assert (alias_hit.version, alias_hit.updated_at) == before[alias_hit.pk]


def test_a_delisted_entry_s_open_hit_is_marked_and_blocks_nothing(excerpt_xml, un_list, hq_actor, applicants):
    from consular.screening.screening_actions import decision_blockers

    hit = only_hit(applicants["ri"])
    assert decision_blockers(applicants["ri"].case)

    report = import_un(_newer_edition(excerpt_xml), un_list, hq_actor)
    rescreen = rescreen_after_import(report.run.pk)

    hit.refresh_from_db()
    assert rescreen.hits_delisted == 1
    assert (hit.status, hit.entry_delisted_on.isoformat()) == (ScreeningHit.Status.OPEN, "2018-11-05")
    assert decision_blockers(applicants["ri"].case) == []


def test_the_re_screen_runs_as_a_task_once_the_import_commits(
    excerpt_xml, un_list, hq_actor, applicants, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_un(_newer_edition(excerpt_xml), un_list, hq_actor)
    assert only_hit(applicants["benali"]).entry.reference == "QDi.190"


def test_re_screening_the_same_import_again_writes_nothing(excerpt_xml, un_list, hq_actor, applicants):
    report = import_un(_newer_edition(excerpt_xml), un_list, hq_actor)
    rescreen_after_import(report.run.pk)
    hit = only_hit(applicants["benali"])

    again = rescreen_after_import(report.run.pk)

    assert again.hits_found == 0
    hit_again = only_hit(applicants["benali"])
    assert (hit_again.version, hit_again.updated_at) == (hit.version, hit.updated_at)


def test_a_cleared_hit_whose_entry_changed_is_opened_again(excerpt_xml, un_list, hq_actor, applicants, nyc_officer):
    report = import_un(_newer_edition(excerpt_xml, drop=None), un_list, hq_actor)
    rescreen_after_import(report.run.pk)
    hit = only_hit(applicants["benali"])
    un_list.kind = "refused_entry"
    un_list.save()
    hit = ScreeningHit.objects.get(pk=hit.pk)
    clear_hit(
        hit,
        by=actor_for(nyc_officer),
        reason="different_person_other_identifiers",
        note="Other father.",
        expected_version=hit.version,
    )

    root = xml_root(_newer_edition(excerpt_xml, drop=None))
    root.set("dateGenerated", "2018-11-12T10:00:00.000-05:00")
    individual(root, "QDi.190").find("COMMENTS1").text = "Listing reason amended."
    newer = import_un(xml_bytes(root), un_list, hq_actor)
    rescreen_after_import(newer.run.pk)

    hit.refresh_from_db()
    assert (hit.status, hit.reopened_after_version, hit.entry_version) == (ScreeningHit.Status.OPEN, 2, 3)


def test_a_closed_subject_is_not_screened_again(excerpt_xml, un_list, hq_actor, applicants, nyc_officer):
    from consular.screening.screening_actions import close_subject

    close_subject(applicants["benali"].case, by=actor_for(nyc_officer))

    report = import_un(_newer_edition(excerpt_xml), un_list, hq_actor)
    rescreen = rescreen_after_import(report.run.pk)

    assert rescreen.subjects == 0
    assert not applicants["benali"].hits.exists()
