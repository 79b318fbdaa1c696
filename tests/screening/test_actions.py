"""Importing watchlist editions: counts, idempotence, newer and older editions, who may import."""

import hashlib
from collections import Counter
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from consular.audit.models import AuditEntry
from consular.offices.scoping import Actor
from consular.screening import un_sc
from consular.screening.actions import EditionRefused, import_watchlist
from consular.screening.models import (
    EntryBirthDate,
    EntryName,
    EntryNationality,
    EntryVersion,
    ListEntry,
    WatchlistImport,
)
from tests.identity.factories import actor_for
from tests.screening.conftest import copied, import_un, individual, xml_bytes, xml_root


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


def _alias_elements(root, tag: str) -> Counter:
    """Non-empty alias elements by quality, counted with a plain walk of the XML."""
    return Counter((alias.findtext("QUALITY") or "").strip() for alias in root.iter(tag)
                   if (alias.findtext("ALIAS_NAME") or "").strip())


def test_the_full_list_imports_every_individual_and_entity_with_their_aliases(full_xml, un_list, hq_actor):
    root = xml_root(full_xml)
    individuals, entities = len(list(root.iter("INDIVIDUAL"))), len(list(root.iter("ENTITY")))

    report = import_un(full_xml, un_list, hq_actor)

    assert individuals == 703
    assert ListEntry.objects.filter(watchlist=un_list, kind="individual").count() == individuals
    assert ListEntry.objects.filter(watchlist=un_list, kind="entity").count() == entities
    assert report.counts == {"added": individuals + entities, "changed": 0, "delisted": 0, "relisted": 0,
                             "unchanged": 0}
    # Each published alias element is one position of names; some pack several names in one element.
    published = _alias_elements(root, "INDIVIDUAL_ALIAS")
    assert published["Good"] > 1_400
    stored = Counter(
        quality for quality, _entry, _position in
        EntryName.objects.filter(entry__kind="individual", position__gt=0)
        .values_list("quality", "entry", "position").order_by().distinct()
    )
    assert stored == {"good": published["Good"], "low": published["Low"]}
    entity_aliases = _alias_elements(root, "ENTITY_ALIAS")
    entity_positions = EntryName.objects.filter(entry__kind="entity", position__gt=0).values("entry", "position")
    assert entity_positions.order_by().distinct().count() == entity_aliases["a.k.a."] + entity_aliases["f.k.a."]
    assert EntryVersion.objects.filter(entry__watchlist=un_list, version=1, change="added").count() == (
        individuals + entities)


def test_the_full_list_keeps_native_script_names_and_splits_packed_aliases(full_xml, un_list, hq_actor):
    import_un(full_xml, un_list, hq_actor)

    with_native = ListEntry.objects.exclude(native_name="")
    assert with_native.count() == sum(
        1 for element in xml_root(full_xml).iter() if (element.findtext("NAME_ORIGINAL_SCRIPT") or "").strip()
    )
    # QDi.395 is not the point; "Abdul Rehman; Abd Ur-Rehman; Abdur Rahman" is one published alias.
    packed = EntryName.objects.filter(full_name__in=["Abdul Rehman", "Abd Ur-Rehman", "Abdur Rahman"])
    assert packed.count() == 3
    assert len({(name.entry_id, name.position) for name in packed}) == 1
    # " RI " and "WON HO" join into one primary name without the padding.
    assert ListEntry.objects.get(reference="KPi.033").primary_name == "RI WON HO"


def test_every_date_of_birth_shape_of_the_full_list_is_stored(full_xml, un_list, hq_actor):
    import_un(full_xml, un_list, hq_actor)

    def dates(reference):
        return list(EntryBirthDate.objects.filter(entry__reference=reference).values_list(
            "kind", "date", "from_year", "to_year", "approximate", "note"))

    assert dates("KPi.033") == [("date", date(1964, 7, 17), 1964, 1964, False, "")]
    assert dates("TAi.101") == [("range", None, 1963, 1968, False, "")]
    assert ("year", None, 1968, 1968, True, "") in dates("TAi.024")


def test_reimporting_the_same_file_changes_nothing_and_says_so(full_xml, un_list, hq_actor):
    import_un(full_xml, un_list, hq_actor)
    before = list(ListEntry.objects.values_list("pk", "version", "updated_at").order_by("pk"))
    versions, imports = EntryVersion.objects.count(), WatchlistImport.objects.count()
    audits = AuditEntry.objects.count()

    report = import_un(full_xml, un_list, hq_actor)

    assert report.already_imported
    assert report.counts == {"added": 0, "changed": 0, "delisted": 0, "relisted": 0, "unchanged": len(before)}
    assert list(ListEntry.objects.values_list("pk", "version", "updated_at").order_by("pk")) == before
    assert (EntryVersion.objects.count(), WatchlistImport.objects.count(), AuditEntry.objects.count()) == (
        versions, imports, audits)


def test_an_edition_that_says_the_same_in_another_file_leaves_every_entry_untouched(full_xml, un_list, hq_actor):
    import_un(full_xml, un_list, hq_actor)
    before = list(ListEntry.objects.values_list("pk", "version", "updated_at").order_by("pk"))
    root = xml_root(full_xml)
    root.set("dateGenerated", "2018-11-05T10:00:00.000-05:00")

    report = import_un(xml_bytes(root), un_list, hq_actor)

    assert not report.already_imported
    assert report.counts == {"added": 0, "changed": 0, "delisted": 0, "relisted": 0, "unchanged": len(before)}
    assert list(ListEntry.objects.values_list("pk", "version", "updated_at").order_by("pk")) == before
    assert EntryVersion.objects.filter(made_by=report.run).count() == 0


def test_reimporting_costs_no_query_per_unchanged_entry(excerpt_xml, full_xml, un_list, hq_actor,
                                                        django_assert_max_num_queries):
    import_un(excerpt_xml, un_list, hq_actor)
    small = xml_root(excerpt_xml)
    small.set("dateGenerated", "2018-11-05T10:00:00.000-05:00")
    with django_assert_max_num_queries(20) as excerpt:
        import_un(xml_bytes(small), un_list, hq_actor)

    un_list.entries.all().delete()
    un_list.imports.all().delete()
    import_un(full_xml, un_list, hq_actor)
    large = xml_root(full_xml)
    large.set("dateGenerated", "2018-11-05T10:00:00.000-05:00")
    with django_assert_max_num_queries(len(excerpt.captured_queries)):
        report = import_un(xml_bytes(large), un_list, hq_actor)
    assert report.unchanged == 1093


def _newer_edition(full_xml: bytes) -> bytes:
    """The full list a week later: KPi.033 removed, an alias of KPi.037 respelt, one person added."""
    root = xml_root(full_xml)
    root.set("dateGenerated", "2018-11-05T10:00:00.000-05:00")
    individuals = root.find("INDIVIDUALS")
    individuals.remove(individual(root, "KPi.033"))
    individual(root, "KPi.037").find("INDIVIDUAL_ALIAS/ALIAS_NAME").text = "Jang Changha"
    added = copied(individual(root, "KPi.038"))
    added.find("DATAID").text = "9999001"
    added.find("REFERENCE_NUMBER").text = "KPi.999"
    added.find("FIRST_NAME").text = "KIM"
    individuals.append(added)
    return xml_bytes(root)


def test_a_newer_edition_adds_changes_and_delists_exactly_what_moved(full_xml, un_list, hq_actor):
    import_un(full_xml, un_list, hq_actor)
    untouched = ListEntry.objects.get(reference="TAi.101")

    report = import_un(_newer_edition(full_xml), un_list, hq_actor)

    assert report.counts == {"added": 1, "changed": 1, "delisted": 1, "relisted": 0, "unchanged": 1093 - 2}
    removed, respelt, added = (ListEntry.objects.get(reference=reference)
                               for reference in ("KPi.033", "KPi.037", "KPi.999"))
    assert (removed.delisted_on, removed.version) == (date(2018, 11, 5), 2)
    assert removed not in ListEntry.objects.listed()
    assert respelt.version == 2
    assert list(respelt.names.filter(position=1).values_list("full_name", flat=True)) == ["Jang Changha"]
    assert added.version == 1
    assert list(EntryVersion.objects.filter(made_by=report.run).order_by("change").values_list(
        "entry__reference", "version", "change")) == [
        ("KPi.999", 1, "added"), ("KPi.037", 2, "changed"), ("KPi.033", 2, "delisted")]
    history = list(respelt.versions.order_by("version"))
    assert [version.snapshot["names"][1]["full_name"] for version in history] == ["Jang Chang Ha", "Jang Changha"]
    assert removed.versions.get(version=2).delisted_on == date(2018, 11, 5)
    untouched.refresh_from_db()
    assert untouched.version == 1
    assert untouched.versions.count() == 1


def test_a_delisted_entry_that_reappears_is_listed_again(full_xml, un_list, hq_actor):
    import_un(full_xml, un_list, hq_actor)
    import_un(_newer_edition(full_xml), un_list, hq_actor)
    root = xml_root(full_xml)
    root.set("dateGenerated", "2018-11-12T10:00:00.000-05:00")

    report = import_un(xml_bytes(root), un_list, hq_actor)

    assert report.relisted == ["6908555"]
    back = ListEntry.objects.get(reference="KPi.033")
    assert (back.delisted_on, back.version) == (None, 3)
    assert back.versions.get(version=3).change == "relisted"
    assert back.names.count() == 1  # children kept as they were: the entry itself did not change


def test_an_older_edition_is_refused_and_saves_nothing(full_xml, un_list, hq_actor):
    import_un(_newer_edition(full_xml), un_list, hq_actor)
    versions = EntryVersion.objects.count()

    with pytest.raises(EditionRefused, match="older than the one last imported"):
        import_un(full_xml, un_list, hq_actor)

    assert EntryVersion.objects.count() == versions
    assert WatchlistImport.objects.count() == 1


def test_another_file_of_the_edition_already_imported_is_refused(full_xml, excerpt_xml, un_list, hq_actor):
    import_un(full_xml, un_list, hq_actor)

    # The excerpt carries the full list's dateGenerated: taken as the whole list it would delist 1,070 entries.
    with pytest.raises(EditionRefused, match="different file of this edition"):
        import_un(excerpt_xml, un_list, hq_actor)

    assert ListEntry.objects.listed().count() == 1093


@pytest.mark.parametrize("who", ["nyc_clerk", "nyc_officer", "auditor", "hq_supervisor"])
def test_only_hq_officers_import_watchlists(request, excerpt_xml, un_list, who):
    actor = actor_for(request.getfixturevalue(who))

    with pytest.raises(PermissionDenied):
        import_un(excerpt_xml, un_list, actor)

    assert not ListEntry.objects.exists()


def test_the_system_imports_for_hq(excerpt_xml, un_list, hq):
    report = import_un(excerpt_xml, un_list, Actor.system(hq))

    assert report.counts["added"] == 23
    assert WatchlistImport.objects.get().imported_by == "system"


def test_a_mission_system_actor_is_refused(excerpt_xml, un_list, nyc):
    with pytest.raises(PermissionDenied):
        import_un(excerpt_xml, un_list, Actor.system(nyc))


def test_one_import_writes_one_audit_entry_with_its_counts(excerpt_xml, un_list, hq_actor):
    report = import_un(excerpt_xml, un_list, hq_actor)

    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_id) == ("create", "screening.watchlistimport",
                                                                  str(report.run.pk))
    assert entry.changes["added"] == [None, 23]
    assert entry.username == "hq_officer"


def test_a_file_that_lists_one_key_twice_is_refused(excerpt_xml, un_list, hq_actor):
    edition = un_sc.read(excerpt_xml)

    with pytest.raises(ValidationError, match="twice"):
        import_watchlist(un_list, [*edition.records, edition.records[0]], by=hq_actor, edition=edition.generated,
                         source_sha256=hashlib.sha256(b"x").hexdigest(), file_format="un-sc")

    assert not ListEntry.objects.exists()


def test_nationalities_are_stored_as_codes_with_the_published_text(excerpt_xml, un_list, hq_actor):
    import_un(excerpt_xml, un_list, hq_actor)

    korean = EntryNationality.objects.filter(as_published="Democratic People's Republic of Korea")
    assert korean.exists()
    assert set(korean.values_list("country", flat=True)) == {"PRK"}
