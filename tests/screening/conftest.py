"""Watchlist fixtures: the UN list's published files, the watchlists the migration creates, HQ as actor."""

import copy
import hashlib
from pathlib import Path
from xml.etree.ElementTree import Element, tostring

import pytest
from defusedxml.ElementTree import fromstring

from consular.offices.scoping import Actor
from consular.screening import un_sc
from consular.screening.actions import ImportReport, import_watchlist
from consular.screening.models import Watchlist
from tests.identity.factories import actor_for

# Copies of ../shared/data's UN files (public data, 2018 edition), so a clone tests without shared/ beside it.
DATA = Path(__file__).resolve().parent / "data"
SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
FULL = DATA / "un_sc_consolidated_full.xml"
EXCERPT = DATA / "un_sc_consolidated_excerpt.xml"


@pytest.fixture(scope="session")
def full_xml() -> bytes:
    return FULL.read_bytes()


@pytest.fixture(scope="session")
def excerpt_xml() -> bytes:
    return EXCERPT.read_bytes()


@pytest.fixture
def un_list(db) -> Watchlist:
    return Watchlist.objects.get(code="un-sc")


@pytest.fixture
def hq_actor(hq_officer) -> Actor:
    return actor_for(hq_officer)


def import_un(content: bytes, watchlist: Watchlist, by: Actor) -> ImportReport:
    edition = un_sc.read(content)
    return import_watchlist(watchlist, edition.records, by=by, edition=edition.generated,
                            source_sha256=hashlib.sha256(content).hexdigest(), file_format="un-sc",
                            unresolved_countries=edition.unresolved_countries)


def xml_root(content: bytes) -> Element:
    return fromstring(content)


def xml_bytes(root: Element) -> bytes:
    return tostring(root, encoding="utf-8", xml_declaration=True)


def individual(root: Element, reference: str) -> Element:
    for element in root.iter("INDIVIDUAL"):
        if (element.findtext("REFERENCE_NUMBER") or "").strip() == reference:
            return element
    raise AssertionError(f"no individual {reference}")


def copied(element: Element) -> Element:
    return copy.deepcopy(element)
