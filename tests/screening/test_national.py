"""The national list's CSV and the lost, stolen and revoked documents' CSV."""

import hashlib
from datetime import UTC, date, datetime

import pytest

from consular.screening import national
from consular.screening.actions import import_watchlist
from consular.screening.models import EntryDocument, ListEntry, Watchlist
from consular.screening.records import BirthDate, WatchlistFileError

NATIONAL = """source_reference,family_name,given_names,aliases,low_quality_aliases,native_name,dates_of_birth,\
places_of_birth,nationalities,documents,reason,listed_on
NL-2024-00017,OHNO,TARO,ONO TARO; OONO TARO,TARO-SAN,大野太郎,1970-05-17; ~1969,"Osaka, Japan",JPN; USA,\
passport:JPN:TZ 1234567,Refused entry (immigration offence),2024-03-01
NL-2024-00018,AL-RASHID,OMAR,,,,1968-1972,,Iran (Islamic Republic of),national_id:IRN:12-3456,\
Examine with care,2024-04-02
"""

DOCUMENTS = """source_reference,number,issuing_state,document_type,status,reported_on
INT-0001,AB 123-456,FRA,passport,stolen,2025-01-10
INT-0002,X9988776,Germany,national_id,lost,2025-02-11
"""


def test_the_national_list_reads_every_column():
    records, unresolved = national.read_national(NATIONAL.encode())

    ohno, rashid = records
    assert unresolved == set()
    assert (ohno.source_key, ohno.primary_name, ohno.name_parts, ohno.native_name) == (
        "NL-2024-00017", "TARO OHNO", ("OHNO", "TARO"), "大野太郎")
    assert [(name.full_name, name.quality) for name in ohno.names] == [
        ("TARO OHNO", "primary"), ("大野太郎", "primary"), ("ONO TARO", "good"), ("OONO TARO", "good"),
        ("TARO-SAN", "low")]
    assert ohno.birth_dates == (BirthDate("date", date=date(1970, 5, 17), from_year=1970, to_year=1970),
                                BirthDate("year", from_year=1969, to_year=1969, approximate=True))
    assert [(place.city, place.country) for place in ohno.birth_places] == [("Osaka", "JPN")]
    assert [nationality.country for nationality in ohno.nationalities] == ["JPN", "USA"]
    assert [(document.kind, document.issuing_country, document.number) for document in ohno.documents] == [
        ("passport", "JPN", "TZ1234567")]
    assert (ohno.reason, ohno.listed_on) == ("Refused entry (immigration offence)", date(2024, 3, 1))
    assert rashid.birth_dates == (BirthDate("range", from_year=1968, to_year=1972),)
    assert [nationality.country for nationality in rashid.nationalities] == ["IRN"]


def test_the_national_list_round_trips_through_its_writer():
    records, _unresolved = national.read_national(NATIONAL.encode())

    again, _unresolved = national.read_national(national.write_national(records).encode())

    assert [record.fingerprint() for record in again] == [record.fingerprint() for record in records]


def test_the_documents_list_reads_every_column():
    records, unresolved = national.read_documents(DOCUMENTS.encode())

    assert unresolved == set()
    assert [(record.source_key, record.kind, record.listed_on) for record in records] == [
        ("INT-0001", "document", date(2025, 1, 10)), ("INT-0002", "document", date(2025, 2, 11))]
    assert [(document.number, document.issuing_country, document.kind, document.status)
            for record in records for document in record.documents] == [
        ("AB123456", "FRA", "passport", "stolen"), ("X9988776", "DEU", "national_id", "lost")]


@pytest.mark.parametrize("content, message", [
    ("source_reference,family_name,reason\nNL-1,OHNO,x\n", "Line 1: the header has no column 'listed_on'"),
    ("source_reference,family_name,reason,listed_on,birthday\n", "Line 1: unknown column 'birthday'"),
    ("", "The file is empty"),
    ("source_reference,family_name,reason,listed_on\nNL-1,OHNO,x,2024-13-01\n",
     "Line 2, column listed_on: '2024-13-01' is not a date"),
    ("source_reference,family_name,reason,listed_on\nNL-1,OHNO,x,2024-01-01\n,SATO,y,2024-01-01\n",
     "Line 3, column source_reference: empty"),
    ("source_reference,family_name,reason,listed_on,dates_of_birth\nNL-1,OHNO,x,2024-01-01,17/05/1970\n",
     "Line 2, column dates_of_birth"),
    ("source_reference,family_name,reason,listed_on,documents\nNL-1,OHNO,x,2024-01-01,TZ1234567\n",
     "Line 2, column documents"),
    ("source_reference,family_name,reason,listed_on\nNL-1,OHNO,x\n", "Line 2: 3 cells, the header has 4"),
])
def test_a_malformed_national_list_names_the_line_and_column(content, message):
    with pytest.raises(WatchlistFileError, match=message):
        national.read_national(content.encode())


@pytest.mark.parametrize("content, message", [
    ("source_reference,number,issuing_state,document_type,status\n", "no column 'reported_on'"),
    (DOCUMENTS.replace("stolen", "mislaid"), "Line 2, column status: 'mislaid'"),
    (DOCUMENTS.replace("national_id", "visa"), "Line 3, column document_type: 'visa'"),
    (DOCUMENTS.replace("AB 123-456", "--"), "Line 2, column number"),
])
def test_a_malformed_documents_list_names_the_line_and_column(content, message):
    with pytest.raises(WatchlistFileError, match=message):
        national.read_documents(content.encode())


def test_an_imported_documents_list_can_be_looked_up_by_normalised_number(db, hq_officer):
    from tests.identity.factories import actor_for

    records, _unresolved = national.read_documents(DOCUMENTS.encode())
    import_watchlist(Watchlist.objects.get(code="lost-documents"), records, by=actor_for(hq_officer),
                     edition=datetime(2025, 3, 1, tzinfo=UTC), source_sha256=hashlib.sha256(b"d").hexdigest(),
                     file_format="csv-documents")

    found = EntryDocument.objects.get(number="AB123456", issuing_country="FRA")
    assert (found.status, found.entry.kind, found.entry.listed_on) == ("stolen", "document", date(2025, 1, 10))
    assert ListEntry.objects.listed().filter(watchlist__code="lost-documents").count() == 2
