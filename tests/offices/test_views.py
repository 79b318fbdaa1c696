from datetime import date

from consular.audit.models import AuditEntry
from consular.offices.models import Holiday, Role
from tests.factories import HolidayFactory, MembershipFactory


def test_home_shows_the_acting_office_and_its_local_time(signed_in, nyc_clerk):
    response = signed_in(nyc_clerk).get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert b"NYC" in response.content
    assert response.context["office_local_now"].tzinfo.key == "America/New_York"


def test_home_speaks_japanese_by_default_and_english_on_request(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    assert b'lang="ja"' in client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content
    assert b'lang="en"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content


def test_switching_to_an_own_membership_changes_the_acting_office(signed_in, nyc_clerk, london):
    other = MembershipFactory(user=nyc_clerk, office=london, role=Role.CLERK)
    client = signed_in(nyc_clerk)
    assert client.post("/offices/switch/", {"membership": other.pk}).status_code == 302
    assert client.get("/offices/LON/").status_code == 200
    assert client.get("/offices/NYC/").status_code == 404
    assert AuditEntry.unscoped.filter(username="nyc_clerk", action="switch_office").exists()


def test_switching_to_someone_elses_membership_is_refused(signed_in, nyc_clerk, london_clerk):
    theirs = london_clerk.memberships.get()
    client = signed_in(nyc_clerk)
    client.post("/offices/switch/", {"membership": theirs.pk})
    assert client.get("/offices/LON/").status_code == 404
    assert client.get("/offices/NYC/").status_code == 200


def test_supervisor_adds_a_holiday(signed_in, nyc_supervisor, nyc):
    response = signed_in(nyc_supervisor).post("/offices/NYC/holidays/new/", {"date": "2027-07-05", "name": "July 4"})
    assert response.status_code == 302
    holiday = Holiday.unscoped.get(office=nyc)
    assert holiday.date == date(2027, 7, 5)
    assert AuditEntry.unscoped.get(action="create", object_id=str(holiday.pk)).changes["name"] == [None, "July 4"]


def test_bad_holiday_input_shows_errors_and_saves_nothing(signed_in, nyc_supervisor, nyc):
    response = signed_in(nyc_supervisor).post("/offices/NYC/holidays/new/", {"date": "not a date", "name": ""},
                                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"date", "name"}
    assert not Holiday.unscoped.exists()


def test_a_second_holiday_on_the_same_day_is_refused(signed_in, nyc_supervisor, nyc):
    HolidayFactory(office=nyc, date=date(2027, 7, 5))
    response = signed_in(nyc_supervisor).post("/offices/NYC/holidays/new/", {"date": "2027-07-05", "name": "Again"})
    assert "date" in response.context["form"].errors
    assert Holiday.unscoped.count() == 1


def test_stale_edit_is_a_conflict_that_keeps_the_users_input(signed_in, nyc_supervisor, nyc):
    holiday = HolidayFactory(office=nyc, name="Original")
    Holiday.unscoped.filter(pk=holiday.pk).update(name="Changed by a colleague", version=2)
    url = f"/offices/NYC/holidays/{holiday.pk}/"
    response = signed_in(nyc_supervisor).post(url, {"date": holiday.date, "name": "Mine", "version": 1},
                                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert b"Mine" in response.content and b"Changed by a colleague" in response.content
    assert Holiday.unscoped.get(pk=holiday.pk).name == "Changed by a colleague"
    again = signed_in(nyc_supervisor).post(url, {"date": holiday.date, "name": "Mine", "version": 2})
    assert again.status_code == 302
    assert Holiday.unscoped.get(pk=holiday.pk).name == "Mine"


def test_clerk_cannot_change_holidays(signed_in, nyc_clerk, nyc):
    holiday = HolidayFactory(office=nyc, name="Original")
    response = signed_in(nyc_clerk).post(f"/offices/NYC/holidays/{holiday.pk}/",
                                         {"date": holiday.date, "name": "Mine", "version": 1})
    assert response.status_code == 403
    assert Holiday.unscoped.get(pk=holiday.pk).name == "Original"


def test_other_office_holiday_is_404(signed_in, nyc_supervisor, london):
    holiday = HolidayFactory(office=london, name="Theirs")
    client = signed_in(nyc_supervisor)
    assert client.get(f"/offices/LON/holidays/{holiday.pk}/").status_code == 404
    assert client.post(f"/offices/NYC/holidays/{holiday.pk}/",
                       {"date": holiday.date, "name": "x", "version": 1}).status_code == 404
    assert Holiday.unscoped.get(pk=holiday.pk).name == "Theirs"


def test_supervisor_removes_a_holiday(signed_in, nyc_supervisor, nyc):
    holiday = HolidayFactory(office=nyc)
    signed_in(nyc_supervisor).post(f"/offices/NYC/holidays/{holiday.pk}/",
                                   {"date": holiday.date, "name": holiday.name, "version": 1, "delete": "1"})
    assert not Holiday.unscoped.filter(pk=holiday.pk).exists()
    assert AuditEntry.unscoped.filter(action="delete", object_id=str(holiday.pk)).exists()


def test_office_page_lists_staff_with_constant_queries(signed_in, nyc_supervisor, nyc,
                                                       django_assert_max_num_queries):
    client = signed_in(nyc_supervisor)
    with django_assert_max_num_queries(15) as few:
        client.get("/offices/NYC/")
    for _ in range(30):
        MembershipFactory(office=nyc)
    with django_assert_max_num_queries(15) as many:
        client.get("/offices/NYC/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_editing_in_the_page_audits_the_old_and_new_values(signed_in, nyc_supervisor, nyc):
    holiday = HolidayFactory(office=nyc, name="Original", date=date(2027, 3, 1))
    signed_in(nyc_supervisor).post(f"/offices/NYC/holidays/{holiday.pk}/",
                                   {"date": "2027-03-02", "name": "Renamed", "version": 1})
    entry = AuditEntry.unscoped.get(action="update", object_id=str(holiday.pk))
    assert entry.changes == {"date": ["2027-03-01", "2027-03-02"], "name": ["Original", "Renamed"]}


def test_deleting_in_the_page_audits_what_was_stored_not_what_was_posted(signed_in, nyc_supervisor, nyc):
    holiday = HolidayFactory(office=nyc, name="Real holiday", date=date(2026, 12, 25))
    signed_in(nyc_supervisor).post(f"/offices/NYC/holidays/{holiday.pk}/",
                                   {"date": "2031-05-05", "name": "Something else", "version": 1, "delete": "1"})
    entry = AuditEntry.unscoped.get(action="delete", object_id=str(holiday.pk))
    assert entry.object_repr == "NYC 2026-12-25 Real holiday"
    assert entry.changes == {"date": ["2026-12-25", None], "name": ["Real holiday", None]}


def test_moving_a_holiday_onto_a_taken_day_is_refused_in_the_form(signed_in, nyc_supervisor, nyc):
    HolidayFactory(office=nyc, date=date(2027, 3, 1))
    other = HolidayFactory(office=nyc, date=date(2027, 3, 2), name="Other")
    response = signed_in(nyc_supervisor).post(f"/offices/NYC/holidays/{other.pk}/",
                                              {"date": "2027-03-01", "name": "Other", "version": 1})
    assert "date" in response.context["form"].errors
    assert Holiday.unscoped.get(pk=other.pk).date == date(2027, 3, 2)


def test_a_stale_delete_is_a_conflict_and_removes_nothing(signed_in, nyc_supervisor, nyc):
    holiday = HolidayFactory(office=nyc)
    Holiday.unscoped.filter(pk=holiday.pk).update(version=2)
    response = signed_in(nyc_supervisor).post(f"/offices/NYC/holidays/{holiday.pk}/",
                                              {"version": 1, "delete": "1"})
    assert response.status_code == 409
    assert Holiday.unscoped.filter(pk=holiday.pk).exists()


def test_not_found_page_is_in_the_users_language_and_reveals_nothing(signed_in, nyc_clerk, london):
    response = signed_in(nyc_clerk).get("/offices/LON/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert b"belongs to an office you do not act for" in response.content
    assert b"Embassy of Japan in the UK" not in response.content


def test_home_counts_the_offices_open_cases_only(signed_in, nyc_clerk, london_clerk, nyc):
    from consular.workflow.actions import open_case
    from tests.identity.factories import PersonFactory, actor_for

    open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))
    assert _figure(signed_in(nyc_clerk).get("/"), "cases", 0) == 1
    assert _figure(signed_in(london_clerk).get("/"), "cases", 0) == 0


def _figure(response, panel_key: str, index: int):
    panel = next(panel for panel in response.context["panels"] if panel.key == panel_key)
    return panel.figures[index].value


def test_a_page_reads_the_users_memberships_once(signed_in, nyc_clerk, london):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    MembershipFactory(user=nyc_clerk, office=london, role=Role.CLERK)  # the header's office switcher lists it
    client = signed_in(nyc_clerk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/")
    assert response.status_code == 200
    assert b"LON" in response.content
    lookups = [query["sql"] for query in queries if 'FROM "offices_membership"' in query["sql"]]
    assert len(lookups) == 1, lookups
