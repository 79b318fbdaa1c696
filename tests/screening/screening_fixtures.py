"""Applicants and lists for the screening tests: the UN excerpt imported, cases at NYC and London."""

import pytest
from django.utils import timezone

from consular.screening.models import EntryName, ListEntry, ScreeningHit, ScreeningSubject, Watchlist
from consular.screening.screening_actions import register_subject
from consular.workflow.actions import open_case
from tests.identity.factories import PersonFactory, actor_for
from tests.screening.conftest import import_un

# KPi.049 PAK HAN SE, good-quality alias "Kang Myong Chol", no date of birth, DPRK.
ALIAS_OF_PAK_HAN_SE = {
    "family_name": "KANG",
    "given_names": "MYONG CHOL",
    "birth_year": 1970,
    "birth_month": None,
    "birth_day": None,
    "nationalities": ["PRK"],
}
# QDi.309 ABDUR REHMAN's passport, issued by Pakistan.
LISTED_PASSPORT = {"kind": "passport", "issuing_state": "PAK", "number": "CV 915 7521"}


@pytest.fixture
def un_excerpt(excerpt_xml, un_list, hq_actor):
    return import_un(excerpt_xml, un_list, hq_actor)


def applicant_case(clerk, **person):
    actor = actor_for(clerk)
    values = {"family_name": "YAMADA", "given_names": "HANAKO", **person}
    return open_case("enquiry", person=PersonFactory(created_by_office=actor.office, **values), by=actor)


def screened(case, clerk, django_capture_on_commit_callbacks, documents=()) -> ScreeningSubject:
    with django_capture_on_commit_callbacks(execute=True):
        subject = register_subject(case, documents=list(documents), by=actor_for(clerk))
    subject.refresh_from_db()
    return subject


def only_hit(subject) -> ScreeningHit:
    hits = list(subject.hits.select_related("entry__watchlist"))
    assert len(hits) == 1, [(hit.entry.reference, hit.score) for hit in hits]
    return hits[0]


def screening_hit(case, *, watchlist_code: str = "un-sc") -> ScreeningHit:
    """A hit on a made-up entry, without importing a list: for page tests that need one."""
    now = timezone.now()
    entry = ListEntry.objects.create(
        watchlist=Watchlist.objects.get(code=watchlist_code),
        source_key=f"T{case.pk}",
        reference=f"TEST.{case.pk}",
        kind=ListEntry.Kind.INDIVIDUAL,
        primary_name="HANAKO YAMADA",
        reason="For the test.",
        fingerprint="f" * 64,
        updated_at=now,
    )
    EntryName.objects.create(entry=entry, full_name="HANAKO YAMADA", quality=EntryName.Quality.PRIMARY)
    subject = ScreeningSubject.objects.create(
        case=case, requested_at=now, screened_at=now, status=ScreeningSubject.Status.SCREENED
    )
    return ScreeningHit.objects.create(
        subject=subject,
        entry=entry,
        entry_version=1,
        entry_fingerprint=entry.fingerprint,
        score=92.0,
        reasons=[
            {"text": "name similarity 100%", "field": "name"},
            {"text": "date of birth unknown on one record", "field": "birth_date"},
        ],
        matched_on=ScreeningHit.MatchedOn.NAME,
        matched_name="HANAKO YAMADA",
        found_at=now,
        updated_at=now,
    )
