"""Every office that could read a person before PersonAccess existed keeps reading them.

Before: the office that recorded the person, and every office with a CaseAccess row for one
of the person's cases. Written in SQL so it costs two statements at any size.
"""

from django.db import migrations

FROM_CREATION = """
INSERT INTO identity_personaccess (person_id, office_id)
SELECT p.id, p.created_by_office_id FROM identity_person p
"""
FROM_CASES = """
INSERT INTO identity_personaccess (person_id, office_id)
SELECT DISTINCT c.person_id, a.office_id
FROM workflow_caseaccess a JOIN workflow_case c ON c.id = a.case_id
WHERE NOT EXISTS (
    SELECT 1 FROM identity_personaccess x WHERE x.person_id = c.person_id AND x.office_id = a.office_id
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0004_person_access"),
        ("workflow", "0005_case_updated_at_case_case_changed"),
    ]

    operations = [
        migrations.RunSQL(FROM_CREATION, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(FROM_CASES, reverse_sql="DELETE FROM identity_personaccess"),
    ]
