from django.db import migrations

STANDARD = [
    ("un-sc", "sanctions", "UN Security Council Consolidated List"),
    ("national", "refused_entry", "National list of persons refused entry or to be examined with care"),
    ("lost-documents", "documents", "Lost, stolen and revoked travel documents"),
]


def create_watchlists(apps, schema_editor):
    Watchlist = apps.get_model("screening", "Watchlist")
    for code, kind, name in STANDARD:
        Watchlist.objects.get_or_create(code=code, defaults={"kind": kind, "name": name})


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(create_watchlists, migrations.RunPython.noop)]
