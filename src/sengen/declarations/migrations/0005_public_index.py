"""The public index (declarations.publicindex): one row per published initiative, for search, and
one per declaration with its counts, for the year page; filled from the publications already
recorded. The n-gram index (GIN on a tsvector) exists only on PostgreSQL."""

import django.db.models.deletion
from django.db import migrations, models

import sengen.declarations.models

GIN = "CREATE INDEX publicentry_grams ON declarations_publicentry USING gin (grams)"


def gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN)


def drop_gin_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS publicentry_grams")


def index_publications(apps, schema_editor):
    from sengen.declarations import publicindex

    using = schema_editor.connection.alias
    publicindex.rebuild(apps=apps, using=using)
    missing = publicindex.unindexed_published(apps=apps, using=using)
    if missing:
        # Published before publication records existed: their document is their live rows,
        # which only the current code can read.
        print(f"\n  {missing} published declarations have no publication record: run `sengen reindex`")


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0004_declaration_provenance'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('municipality', models.CharField(blank=True, max_length=100)),
                ('department', models.CharField(max_length=200)),
                ('fiscal_year', models.PositiveSmallIntegerField()),
                ('phase', models.CharField(max_length=30)),
                ('number', models.PositiveIntegerField()),
                ('position', models.PositiveSmallIntegerField()),
                ('title', models.TextField()),
                ('text', models.TextField()),
                ('grams', sengen.declarations.models.GramsField(blank=True)),
                ('declaration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='declarations.declaration')),
                ('publication', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='declarations.publication')),
            ],
            options={
                'verbose_name': '公開索引（取組）',
                'verbose_name_plural': '公開索引（取組）',
                'indexes': [models.Index(fields=['-fiscal_year', 'municipality', 'department', 'position'], name='publicentry_listing')],
            },
        ),
        migrations.CreateModel(
            name='PublicSummary',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('municipality', models.CharField(blank=True, max_length=100)),
                ('department', models.CharField(max_length=200)),
                ('fiscal_year', models.PositiveSmallIntegerField()),
                ('phase', models.CharField(max_length=30)),
                ('initiatives', models.PositiveIntegerField(default=0)),
                ('achieved', models.PositiveIntegerField(default=0)),
                ('partially_achieved', models.PositiveIntegerField(default=0)),
                ('not_achieved', models.PositiveIntegerField(default=0)),
                ('not_evaluated', models.PositiveIntegerField(default=0)),
                ('total', models.PositiveIntegerField(default=0)),
                ('declaration', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='declarations.declaration')),
                ('publication', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='declarations.publication')),
            ],
            options={
                'verbose_name': '公開集計',
                'verbose_name_plural': '公開集計',
                'indexes': [models.Index(fields=['fiscal_year', 'municipality', 'department'], name='publicsummary_year')],
            },
        ),
        migrations.RunPython(gin_index, drop_gin_index, elidable=False),
        migrations.RunPython(index_publications, migrations.RunPython.noop),
    ]
