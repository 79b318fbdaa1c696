"""Each office that may read a person gets its copy of the person's name keys (HQ offices search them all).

After every access row exists (the workflow's 0007 adds any a holding office lacked). Written
in SQL so it costs one statement at any size.
"""

from django.db import migrations

FILL = """
INSERT INTO identity_officenamekey (office_id, person_id, key, birth_year)
SELECT a.office_id, k.person_id, k.key, k.birth_year
FROM identity_personnamekey k
JOIN identity_personaccess a ON a.person_id = k.person_id
JOIN offices_office o ON o.id = a.office_id
WHERE o.kind <> 'hq'
"""


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0008_office_name_key"),
        ("workflow", "0007_fill_case_access"),
    ]

    operations = [migrations.RunSQL(FILL, reverse_sql="DELETE FROM identity_officenamekey")]
