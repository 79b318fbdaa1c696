import pytest
from django.db import DatabaseError, connection, transaction

from consular.audit.actions import Action, record
from consular.audit.models import AuditEntry
from tests.accounts.test_security import reauthenticated


@pytest.fixture
def entry(db):
    return record(by=None, username="nyc_clerk", action=Action.READ, object_repr="Person 1")


def test_entries_cannot_be_changed_or_deleted_through_the_orm(entry):
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        AuditEntry.unscoped.filter(pk=entry.pk).update(username="someone else")
    with pytest.raises(TypeError):
        AuditEntry.unscoped.all().delete()


def test_the_database_itself_refuses_to_update_an_entry(entry):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET username = 'forged' WHERE id = %s", [entry.pk])
    assert AuditEntry.unscoped.get(pk=entry.pk).username == "nyc_clerk"


def test_deleting_an_entry_is_refused_by_the_database_on_postgresql_and_the_orm_everywhere(entry):
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    else:
        # SQLite keeps DELETE possible for Django's test flush; the ORM guard holds there.
        with pytest.raises(TypeError):
            AuditEntry.unscoped.filter(pk=entry.pk).delete()
    assert AuditEntry.unscoped.filter(pk=entry.pk).exists()


def test_only_auditors_see_the_audit_log(signed_in, auditor, hq_admin, nyc_supervisor, entry):
    assert signed_in(auditor).get("/audit/").status_code == 200
    assert signed_in(hq_admin).get("/audit/").status_code == 403
    assert signed_in(nyc_supervisor).get("/audit/").status_code == 403


def test_auditor_searches_by_username_and_action(signed_in, auditor, entry):
    record(by=None, username="london_clerk", action=Action.SIGN_IN)
    client = signed_in(auditor)
    response = client.post("/audit/", {"text": "nyc_clerk", "action": "read"}, follow=True)
    assert [view.entry.username for view in response.context["entries"]] == ["nyc_clerk"]


def test_bad_dates_in_search_give_a_clear_error_and_no_entries(signed_in, auditor, entry):
    response = signed_in(auditor).post("/audit/", {"since": "2026-05-01", "until": "2026-04-01"},
                                       HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert b"The end date is before the start date." in response.content
    assert list(response.context["entries"]) == []


def test_export_needs_reauthentication_and_is_itself_audited(signed_in, auditor, entry):
    client = signed_in(auditor)
    assert client.post("/audit/export.csv")["Location"].startswith("/accounts/reauthenticate/")
    response = reauthenticated(client).post("/audit/export.csv")
    body = b"".join(response.streaming_content).decode()
    assert response["Content-Type"].startswith("text/csv")
    assert "nyc_clerk" in body and body.splitlines()[0].startswith("at,username")
    assert AuditEntry.unscoped.filter(username="auditor", action="export").exists()


def test_page_costs_the_same_queries_at_one_and_fifty_rows(signed_in, auditor, django_assert_max_num_queries):
    client = signed_in(auditor)
    record(by=None, username="one", action=Action.READ)
    with django_assert_max_num_queries(12) as one:
        client.get("/audit/")
    for n in range(60):
        record(by=None, username=f"user{n}", action=Action.READ)
    with django_assert_max_num_queries(12) as many:
        client.get("/audit/")
    assert len(many.captured_queries) == len(one.captured_queries)


def test_the_audit_log_is_scoped_like_everything_else(entry, nyc, hq):
    from django_scopes import scope
    from django_scopes.exceptions import ScopeError

    from consular.offices.models import Role
    from consular.offices.scoping import Actor

    with scope(), pytest.raises(ScopeError):
        list(AuditEntry.objects.all())
    with scope(actor=Actor(office=hq, role=Role.ADMINISTRATOR)):
        assert not AuditEntry.objects.exists()
    with scope(actor=Actor(office=hq, role=Role.AUDITOR)):
        assert list(AuditEntry.objects.all()) == [entry]


def test_entries_are_written_in_one_language_whatever_the_clerks_language(nyc):
    from django.utils import translation

    from tests.identity.factories import IdentityDocumentFactory

    document = IdentityDocumentFactory(person__created_by_office=nyc, number="TK7654321")
    with translation.override("ja"):
        entry = record(by=None, username="x", action=Action.READ, target=document)
    assert entry.object_repr == "Passport JPN …4321"
