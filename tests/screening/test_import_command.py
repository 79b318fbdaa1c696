"""`manage.py import_watchlist`: runs as the system for HQ, prints what changed, refuses bad files clearly."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from consular.audit.models import AuditEntry
from consular.screening.models import ListEntry, WatchlistImport
from tests.screening.conftest import EXCERPT
from tests.screening.test_national import DOCUMENTS, NATIONAL


def run(*args) -> str:
    out = StringIO()
    call_command("import_watchlist", *args, stdout=out)
    return out.getvalue()


def test_the_un_list_is_imported_as_the_system_and_the_report_printed(hq):
    output = run("--format", "un-sc", str(EXCERPT))

    assert "un-sc, edition 2018-" in output
    assert [line.split() for line in output.splitlines()[1:6]] == [
        ["added", "23"], ["changed", "0"], ["delisted", "0"], ["relisted", "0"], ["unchanged", "0"]]
    assert "Every country name resolved." in output
    assert AuditEntry.objects.get().username == "system"
    assert ListEntry.objects.count() == 23


def test_importing_the_same_file_again_says_nothing_changed(hq):
    run("--format", "un-sc", str(EXCERPT))

    output = run("--format", "un-sc", str(EXCERPT))

    assert "was already imported into un-sc: nothing changed (23 entries listed)" in output
    assert WatchlistImport.objects.count() == 1


def test_unresolved_country_names_are_listed(hq, tmp_path):
    path = tmp_path / "national.csv"
    path.write_text(NATIONAL.replace("JPN; USA", "JPN; Atlantis"), encoding="utf-8")

    output = run("--format", "csv-national", str(path), "--edition", "2024-05-01")

    assert "Country names not resolved (1), kept as published:\n  Atlantis" in output
    assert WatchlistImport.objects.get().unresolved_countries == ["Atlantis"]


def test_the_csv_formats_go_to_their_own_watchlists(hq, tmp_path):
    people, documents = tmp_path / "people.csv", tmp_path / "documents.csv"
    people.write_text(NATIONAL, encoding="utf-8")
    documents.write_text(DOCUMENTS, encoding="utf-8")

    run("--format", "csv-national", str(people), "--edition", "2024-05-01")
    run("--format", "csv-documents", str(documents), "--edition", "2025-03-01")

    assert dict(ListEntry.objects.values_list("source_key", "watchlist__code")) == {
        "NL-2024-00017": "national", "NL-2024-00018": "national",
        "INT-0001": "lost-documents", "INT-0002": "lost-documents"}


@pytest.mark.parametrize("file_format, content, message", [
    ("un-sc", b"not xml at all", "Not XML"),
    ("un-sc", b"<?xml version='1.0'?><sanctions/>", "root element is <sanctions>"),
    ("csv-national", b"source_reference,family_name,reason\n", "Line 1: the header has no column 'listed_on'"),
    ("csv-documents", DOCUMENTS.replace("2025-02-11", "11/02/2025").encode(), "Line 3, column reported_on"),
])
def test_a_bad_file_fails_with_a_clear_message_and_saves_nothing(hq, tmp_path, file_format, content, message):
    path = tmp_path / "list.bin"
    path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run("--format", file_format, str(path))

    assert not ListEntry.objects.exists()
    assert not WatchlistImport.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_older_edition_fails_with_a_clear_message(hq, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(NATIONAL, encoding="utf-8")
    run("--format", "csv-national", str(path), "--edition", "2024-05-01")
    path.write_text(NATIONAL.replace("Examine with care", "Examine"), encoding="utf-8")

    with pytest.raises(CommandError, match="older than the one last imported"):
        run("--format", "csv-national", str(path), "--edition", "2024-04-01")


def test_an_unknown_watchlist_or_missing_file_is_refused(hq, tmp_path):
    with pytest.raises(CommandError, match="No watchlist with code 'eu'"):
        run("--format", "un-sc", str(EXCERPT), "--watchlist", "eu")
    with pytest.raises(CommandError, match="No such file"):
        run("--format", "un-sc", str(tmp_path / "missing.xml"))


def test_without_an_hq_office_there_is_no_one_to_import_as(db):
    with pytest.raises(CommandError, match="no HQ office"):
        run("--format", "un-sc", str(EXCERPT))

