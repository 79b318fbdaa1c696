import pytest
from django.urls import reverse
from django.utils import timezone

from consular.accounts.views import REAUTHENTICATED_AT
from consular.audit.models import AuditEntry
from consular.identity.actions import create_person
from consular.identity.models import Person, Sex
from tests.identity.factories import IdentityDocumentFactory, actor_for

HANAKO = {
    "family_name": "OHNO",
    "given_names": "HANAKO",
    "sex": Sex.FEMALE,
    "birth_year": 1984,
    "birth_month": 7,
    "birth_day": 3,
    "nationalities": ["JPN"],
}
FORM = {
    "family_name": "ONO",
    "given_names": "HANAKO",
    "sex": "F",
    "birth_year": "1984",
    "birth_month": "7",
    "birth_day": "3",
    "nationalities": "JPN",
}


@pytest.fixture(autouse=True)
def _pages_in_english(settings):
    """These tests read the English text; browsers that ask for nothing get LANGUAGE_CODE."""
    settings.LANGUAGE_CODE = "en"


def on_file(user, **fields) -> Person:
    return create_person(by=actor_for(user), **{**HANAKO, **fields})


def reauthenticated(client):
    session = client.session
    session[REAUTHENTICATED_AT] = timezone.now().isoformat()
    session.save()
    return client


# Search


def test_search_page_ranks_persons_with_score_and_reasons(signed_in, nyc_clerk):
    person = on_file(nyc_clerk)
    response = signed_in(nyc_clerk).post(reverse("identity:person_search"), {"q": "OONO HANAKO", "find": "1"})
    assert response.status_code == 200
    assert response.context["results"][0].person == person
    assert "Reasons" in response.content.decode()


def test_search_page_without_a_query_shows_only_the_form(signed_in, nyc_clerk):
    response = signed_in(nyc_clerk).get(reverse("identity:person_search"))
    assert response.status_code == 200 and response.context["results"] is None


def test_search_is_posted_so_no_name_or_date_of_birth_reaches_a_url(signed_in, nyc_clerk):
    on_file(nyc_clerk)
    client = signed_in(nyc_clerk)
    page = client.get(reverse("identity:person_search")).content.decode()
    assert 'method="post"' in page and 'role="search"' in page
    # A search typed into the address bar, as the old GET form sent it, searches nothing.
    typed = client.get(reverse("identity:person_search"), {"q": "OHNO HANAKO", "date_of_birth": "1984-07-03"})
    assert typed.context["results"] is None
    assert not AuditEntry.unscoped.filter(object_repr="person search").exists()


def test_search_page_refuses_a_bad_date_of_birth_clearly(signed_in, nyc_clerk):
    response = signed_in(nyc_clerk).post(reverse("identity:person_search"), {"q": "OHNO", "date_of_birth": "3 July"})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()


def test_search_page_does_not_show_another_offices_person(signed_in, nyc_clerk, london_clerk):
    on_file(london_clerk)
    response = signed_in(nyc_clerk).post(reverse("identity:person_search"), {"q": "OHNO HANAKO"})
    assert response.context["results"] == []


def test_a_search_is_audited_with_the_persons_shown(signed_in, nyc_clerk):
    person = on_file(nyc_clerk)
    signed_in(nyc_clerk).post(reverse("identity:person_search"), {"q": "OHNO HANAKO"})
    entry = AuditEntry.unscoped.filter(action="read", object_repr="person search").get()
    assert entry.changes == {"query": "OHNO HANAKO", "persons": str(person.pk)}


# Create


def test_a_new_person_without_duplicates_is_created_at_once(signed_in, nyc_clerk):
    response = signed_in(nyc_clerk).post(reverse("identity:person_create"), FORM)
    person = Person.unscoped.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "identity:person_detail", kwargs={"pk": person.pk}
    )
    assert person.created_by_office.code == "NYC"


def test_a_clerk_sent_from_another_page_goes_back_there_with_the_new_person(signed_in, nyc_clerk):
    url = reverse("identity:person_create") + "?next=/passports/new/"
    response = signed_in(nyc_clerk).post(url, FORM)
    person = Person.unscoped.get()
    assert response.status_code == 302 and response["Location"] == f"/passports/new/?person={person.pk}"


def test_a_next_page_off_this_site_is_ignored(signed_in, nyc_clerk):
    url = reverse("identity:person_create") + "?next=//evil.example/steal"
    response = signed_in(nyc_clerk).post(url, FORM)
    assert response["Location"] == reverse("identity:person_detail", kwargs={"pk": Person.unscoped.get().pk})


def test_likely_duplicates_are_shown_before_creating(signed_in, nyc_clerk):
    existing = on_file(nyc_clerk)
    response = signed_in(nyc_clerk).post(reverse("identity:person_create"), FORM)
    assert response.status_code == 200
    assert [d.person for d in response.context["duplicates"]] == [existing]
    assert 'name="confirm_new"' in response.content.decode()
    assert Person.unscoped.count() == 1


def test_confirming_creates_the_new_person_anyway(signed_in, nyc_clerk):
    on_file(nyc_clerk)
    response = signed_in(nyc_clerk).post(reverse("identity:person_create"), {**FORM, "confirm_new": "on"})
    assert response.status_code == 302
    assert Person.unscoped.count() == 2


def test_a_duplicate_at_another_office_shows_nothing_of_it(signed_in, nyc_clerk, london_clerk):
    on_file(london_clerk, given_names_native="花子")
    response = signed_in(nyc_clerk).post(reverse("identity:person_create"), FORM, follow=True)
    page = response.content.decode()
    assert "OHNO" not in page and "花子" not in page and "LON" not in page
    assert Person.unscoped.count() == 2  # recorded; HQ reviews the pair


def test_bad_input_is_refused_clearly_and_saves_nothing(signed_in, nyc_clerk):
    response = signed_in(nyc_clerk).post(
        reverse("identity:person_create"), {**FORM, "family_name": "O'BRIEN 3", "nationalities": "XX"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["nationalities"]
    assert Person.unscoped.count() == 0


def test_invalid_latin_letters_are_refused_by_the_action_and_save_nothing(signed_in, nyc_clerk):
    response = signed_in(nyc_clerk).post(
        reverse("identity:person_create"), {**FORM, "family_name": "ONO3", "confirm_new": "on"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["family_name"]
    assert Person.unscoped.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("family_name_native", "小野\u202e", "Contains an invisible control character (U+202E RIGHT-TO-LEFT OVERRIDE)"),
        ("place_of_birth", "Osaka\u200b", "Contains an invisible control character (U+200B ZERO WIDTH SPACE)"),
        ("family_name", "ОNO", "“О” (U+041E CYRILLIC CAPITAL LETTER O) is not the Latin letter O it looks like"),
    ],
)
def test_hidden_characters_and_look_alikes_are_refused_next_to_their_field(signed_in, nyc_clerk, field, value, message):
    # No confirm_new: the field is refused before any duplicate check runs.
    response = signed_in(nyc_clerk).post(reverse("identity:person_create"), {**FORM, field: value})
    assert response.status_code == 400
    assert [message in error for error in response.context["form"].errors[field]] == [True]
    assert message in response.text
    assert Person.unscoped.count() == 0


def test_an_auditor_cannot_create_a_person(signed_in, auditor):
    response = signed_in(auditor).post(reverse("identity:person_create"), FORM)
    assert response.status_code == 403
    assert Person.unscoped.count() == 0


# Detail


def test_the_detail_page_shows_the_person_and_audits_the_read(signed_in, nyc_clerk):
    person = on_file(nyc_clerk, family_name_native="大野")
    IdentityDocumentFactory(person=person, number="TK1234567")
    response = signed_in(nyc_clerk).get(reverse("identity:person_detail", kwargs={"pk": person.pk}))
    page = response.content.decode()
    assert response.status_code == 200 and "大野" in page and "TK1234567" in page
    assert (
        AuditEntry.unscoped.filter(
            action="read", object_type="identity.person", object_id=str(person.pk), username="nyc_clerk"
        ).count()
        == 1
    )


def test_another_offices_person_is_404(signed_in, nyc_clerk, london_clerk):
    person = on_file(london_clerk)
    response = signed_in(nyc_clerk).get(reverse("identity:person_detail", kwargs={"pk": person.pk}))
    assert response.status_code == 404
    assert not AuditEntry.unscoped.filter(action="read", object_id=str(person.pk)).exists()


def test_hq_reads_any_offices_person(signed_in, london_clerk, hq_officer):
    person = on_file(london_clerk)
    assert signed_in(hq_officer).get(reverse("identity:person_detail", kwargs={"pk": person.pk})).status_code == 200


# Merge


@pytest.fixture
def pair(nyc_clerk):
    return on_file(nyc_clerk), on_file(nyc_clerk, family_name="OONO")


def _merge_url(person: Person) -> str:
    return reverse("identity:person_merge", kwargs={"pk": person.pk})


def test_merge_needs_a_fresh_password_and_code(signed_in, nyc_supervisor, pair):
    keep, _duplicate = pair
    response = signed_in(nyc_supervisor).get(_merge_url(keep))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:reauthenticate"))


def test_merge_page_lists_likely_duplicates(signed_in, nyc_supervisor, pair):
    keep, duplicate = pair
    response = reauthenticated(signed_in(nyc_supervisor)).get(_merge_url(keep))
    assert response.status_code == 200
    assert [r.person for r in response.context["candidates"]] == [duplicate]


def test_a_supervisor_reviews_then_merges(signed_in, nyc_supervisor, pair):
    keep, duplicate = pair
    client = reauthenticated(signed_in(nyc_supervisor))
    review = client.post(_merge_url(keep), {"duplicate": duplicate.pk, "version": keep.version})
    assert review.status_code == 200 and review.context["duplicate"] == duplicate
    assert Person.unscoped.get(pk=duplicate.pk).merged_into is None
    response = client.post(
        _merge_url(keep), {"duplicate": duplicate.pk, "version": keep.version, "duplicate_version": duplicate.version}
    )
    assert response.status_code == 302
    assert Person.unscoped.get(pk=duplicate.pk).merged_into == keep


def test_a_stale_merge_is_a_conflict_and_merges_nothing(signed_in, nyc_supervisor, pair):
    keep, duplicate = pair
    response = reauthenticated(signed_in(nyc_supervisor)).post(
        _merge_url(keep),
        {"duplicate": duplicate.pk, "version": keep.version - 1, "duplicate_version": duplicate.version},
    )
    assert response.status_code == 409
    assert "changed while you were looking" in response.content.decode()
    assert Person.unscoped.get(pk=duplicate.pk).merged_into is None


def test_merging_an_unknown_record_is_refused_clearly(signed_in, nyc_supervisor, pair):
    keep, _duplicate = pair
    response = reauthenticated(signed_in(nyc_supervisor)).post(
        _merge_url(keep), {"duplicate": "999999", "version": keep.version}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["duplicate"]


def test_merging_another_offices_person_in_is_refused(signed_in, nyc_supervisor, london_clerk, pair):
    keep, _duplicate = pair
    outsider = on_file(london_clerk)
    response = reauthenticated(signed_in(nyc_supervisor)).post(
        _merge_url(keep), {"duplicate": outsider.pk, "version": keep.version, "duplicate_version": outsider.version}
    )
    assert response.status_code == 400
    assert Person.unscoped.get(pk=outsider.pk).merged_into is None


def test_a_clerk_may_not_merge(signed_in, nyc_clerk, pair):
    keep, duplicate = pair
    response = signed_in(nyc_clerk).post(
        _merge_url(keep), {"duplicate": duplicate.pk, "version": keep.version, "duplicate_version": duplicate.version}
    )
    assert response.status_code == 403
    assert Person.unscoped.get(pk=duplicate.pk).merged_into is None


def test_merge_page_of_another_offices_person_is_404(signed_in, london_supervisor, pair):
    keep, _duplicate = pair
    assert reauthenticated(signed_in(london_supervisor)).get(_merge_url(keep)).status_code == 404


def test_the_detail_page_lists_the_persons_cases_this_office_may_read(signed_in, nyc_clerk, london_clerk):
    from consular.workflow.actions import open_case

    person = on_file(nyc_clerk)
    ours = open_case("enquiry", person=person, by=actor_for(nyc_clerk))
    theirs = open_case("enquiry", person=person, by=actor_for(london_clerk))

    page = signed_in(nyc_clerk).get(reverse("identity:person_detail", kwargs={"pk": person.pk})).content.decode()

    assert ours.reference in page and theirs.reference not in page
