"""The six canonical change areas exist from the first migrate on."""

from django.db import migrations

AREAS = [
    ("MP", "Manajemen Perubahan"),
    ("TL", "Penataan Tatalaksana"),
    ("SDM", "Penataan Sistem Manajemen SDM"),
    ("AK", "Penguatan Akuntabilitas Kinerja"),
    ("PW", "Penguatan Pengawasan"),
    ("PP", "Peningkatan Kualitas Pelayanan Publik"),
]


def create_areas(apps, schema_editor):
    ChangeArea = apps.get_model("workplan", "ChangeArea")
    for order, (code, name) in enumerate(AREAS, start=1):
        ChangeArea.objects.update_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("workplan", "0001_initial")]
    operations = [migrations.RunPython(create_areas, migrations.RunPython.noop)]
