"""Load the preset grading scales of ``sengen.core.grading`` into the database.

The presets are read when the migration runs, not copied here, so there is one definition of
them; the function upserts, so running it again after a preset gains a grade only adds it.
"""

from django.db import migrations


def load_presets(apps, schema_editor):
    from sengen.core.grading import PRESETS

    GradingScale = apps.get_model("declarations", "GradingScale")
    Grade = apps.get_model("declarations", "Grade")
    for scale in PRESETS.values():
        row, _ = GradingScale.objects.update_or_create(code=scale.code, defaults={"name": scale.name})
        for order, grade in enumerate(scale.grades):
            Grade.objects.update_or_create(
                scale=row, code=grade.code,
                defaults={"label": grade.label, "order": order, "min_rate": grade.min_rate,
                          "evaluation": grade.evaluation},
            )


class Migration(migrations.Migration):
    dependencies = [("declarations", "0001_initial")]

    operations = [migrations.RunPython(load_presets, migrations.RunPython.noop)]
