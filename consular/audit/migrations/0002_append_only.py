"""Make the audit log append-only in the database itself, not just in the ORM.

PostgreSQL refuses UPDATE and DELETE. TRUNCATE stays possible for the table owner
(test-database flushes); the production application role is not the owner.
SQLite (the embedded default) refuses UPDATE; its DELETE trigger would also fire
on Django's test flush, so there the ORM guard in AuditEntry is what prevents it.
"""

from django.db import migrations

POSTGRES_FORWARD = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS audit_entry_no_update ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""
SQLITE_FORWARD = """
CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_auditentry
BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
"""
SQLITE_BACKWARD = "DROP TRIGGER IF EXISTS audit_entry_no_update;"


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
