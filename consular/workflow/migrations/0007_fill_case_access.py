"""Every office holding a case has its access row, and every access row the case's submitted_at.

Visibility becomes "has an access row" (CaseQuerySet.visible_to). open_case and every
hand-over have always written the row of the office that receives a case, so the first
two statements should find nothing; they make sure. Written in SQL so each costs one
statement at any size.
"""

from django.db import migrations

HOLDING_OFFICE = """
INSERT INTO workflow_caseaccess (case_id, office_id, submitted_at)
SELECT c.id, c.current_office_id, c.submitted_at FROM workflow_case c
WHERE NOT EXISTS (
    SELECT 1 FROM workflow_caseaccess a WHERE a.case_id = c.id AND a.office_id = c.current_office_id
)
"""
HOLDING_OFFICE_READS_THE_PERSON = """
INSERT INTO identity_personaccess (person_id, office_id)
SELECT DISTINCT c.person_id, c.current_office_id FROM workflow_case c
WHERE NOT EXISTS (
    SELECT 1 FROM identity_personaccess x WHERE x.person_id = c.person_id AND x.office_id = c.current_office_id
)
"""
SUBMITTED_AT = """
UPDATE workflow_caseaccess SET submitted_at = (
    SELECT c.submitted_at FROM workflow_case c WHERE c.id = workflow_caseaccess.case_id
) WHERE submitted_at IS NULL
"""


class Migration(migrations.Migration):
    dependencies = [("workflow", "0006_case_access_submitted_at")]

    operations = [
        migrations.RunSQL(HOLDING_OFFICE, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(HOLDING_OFFICE_READS_THE_PERSON, reverse_sql=migrations.RunSQL.noop),
        migrations.RunSQL(SUBMITTED_AT, reverse_sql=migrations.RunSQL.noop),
    ]
