"""Forms (様式) and sengen.report/2 (issue 11): Form and FormVersion, the form a city uses and the
form version each report was made with, the /2 fields on declarations, initiatives and targets
(an initiative's number may be null), and the preset forms of ``sengen.core.forms.presets()``
with the grading scales they bring.

The presets are read when the migration runs, not copied here (as 0002 does for the scales), so
there is one definition of them. Existing reports keep ``form_version`` null: the seed's form.
"""

from decimal import Decimal

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def load_preset_forms(apps, schema_editor):
    from sengen.core.forms import form_to_dict, presets

    Form = apps.get_model("declarations", "Form")
    FormVersion = apps.get_model("declarations", "FormVersion")
    GradingScale = apps.get_model("declarations", "GradingScale")
    Grade = apps.get_model("declarations", "Grade")
    for code, form in presets().items():
        row = Form.objects.filter(municipality__isnull=True, code=code).first()
        if row is None:
            row = Form.objects.create(municipality=None, code=code, name=form.name)
            FormVersion.objects.create(form=row, version=1, definition=form_to_dict(form))
        scale = form.scale_definition
        # A scale of that code already there (a preset of core.grading, or a city's own) is left
        # as it is: grades already judged on it must keep their meaning.
        if scale is not None and not GradingScale.objects.filter(code=scale.code).exists():
            scale_row = GradingScale.objects.create(code=scale.code, name=scale.name)
            for order, grade in enumerate(scale.grades):
                Grade.objects.create(
                    scale=scale_row, code=grade.code, label=grade.label, order=order,
                    min_rate=None if grade.min_rate is None else Decimal(str(grade.min_rate)),
                    evaluation=grade.evaluation,
                )


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0005_public_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='declaration',
            name='declared_on',
            field=models.DateField(blank=True, null=True, verbose_name='宣言日'),
        ),
        migrations.AddField(
            model_name='declaration',
            name='preamble',
            field=models.JSONField(blank=True, default=list, verbose_name='前文'),
        ),
        migrations.AddField(
            model_name='declaration',
            name='unit_kind',
            field=models.CharField(blank=True, max_length=20, verbose_name='宣言する組織の種類'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='approach',
            field=models.JSONField(blank=True, default=list, verbose_name='方策・手段'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='background',
            field=models.JSONField(blank=True, default=list, verbose_name='現状と課題'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='extra',
            field=models.JSONField(blank=True, default=list, verbose_name='その他の欄'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='grade_code',
            field=models.CharField(blank=True, max_length=50, null=True, verbose_name='評価（取組）'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='grade_reason',
            field=models.TextField(blank=True, verbose_name='評価の理由'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='partners',
            field=models.JSONField(blank=True, default=list, verbose_name='協働関係先'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='plan_refs',
            field=models.JSONField(blank=True, default=list, verbose_name='総合計画の施策'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='remarks',
            field=models.JSONField(blank=True, default=list, verbose_name='備考'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='sdgs',
            field=models.JSONField(blank=True, default=list, verbose_name='SDGs'),
        ),
        migrations.AddField(
            model_name='initiative',
            name='self_evaluation',
            field=models.JSONField(blank=True, default=list, verbose_name='自己評価'),
        ),
        migrations.AddField(
            model_name='target',
            name='interim_status',
            field=models.CharField(blank=True, max_length=20, verbose_name='中間の進捗状況'),
        ),
        migrations.AddField(
            model_name='target',
            name='relative',
            field=models.JSONField(blank=True, null=True, verbose_name='相対目標'),
        ),
        migrations.AlterField(
            model_name='initiative',
            name='number',
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name='番号'),
        ),
        migrations.CreateModel(
            name='Form',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.SlugField(allow_unicode=True, verbose_name='コード')),
                ('name', models.CharField(max_length=200, verbose_name='名称')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='作成日時')),
                ('municipality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='forms', to='declarations.municipality', verbose_name='自治体')),
            ],
            options={
                'verbose_name': '様式',
                'verbose_name_plural': '様式',
                'ordering': ['municipality__name', 'code'],
            },
        ),
        migrations.AddField(
            model_name='municipality',
            name='form',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='declarations.form', verbose_name='様式'),
        ),
        migrations.CreateModel(
            name='FormVersion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(verbose_name='版')),
                ('definition', models.JSONField(verbose_name='定義')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='作成日時')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='作成者')),
                ('form', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='declarations.form', verbose_name='様式')),
            ],
            options={
                'verbose_name': '様式の版',
                'verbose_name_plural': '様式の版',
                'ordering': ['form', 'version'],
            },
        ),
        migrations.AddField(
            model_name='declaration',
            name='form_version',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='declarations', to='declarations.formversion', verbose_name='様式の版'),
        ),
        migrations.AddConstraint(
            model_name='form',
            constraint=models.UniqueConstraint(fields=('municipality', 'code'), name='form_unique_code_per_municipality'),
        ),
        migrations.AddConstraint(
            model_name='formversion',
            constraint=models.UniqueConstraint(fields=('form', 'version'), name='form_version_unique'),
        ),
        migrations.AlterField(
            model_name='publicentry',
            name='number',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(load_preset_forms, migrations.RunPython.noop),
    ]
