"""The search's filters (issue 13): each public index row keeps its facet tokens
(declarations.publicfacets: evaluations, grades, kinds of target, future-direction category),
and on PostgreSQL the same tokens join its GIN-indexed n-grams. Every row is written again from
the latest publications, as migration 0005 first wrote them (``sengen reindex`` does the same on
demand, and also indexes declarations published before publication records existed)."""

from django.db import migrations, models


def index_publications(apps, schema_editor):
    from sengen.declarations import publicindex

    using = schema_editor.connection.alias
    publicindex.rebuild(apps=apps, using=using)
    missing = publicindex.unindexed_published(apps=apps, using=using)
    if missing:
        print(f"\n  {missing} published declarations have no publication record: run `sengen reindex`")


class Migration(migrations.Migration):

    dependencies = [
        ('declarations', '0007_mail'),
    ]

    operations = [
        migrations.AddField(
            model_name='publicentry',
            name='facets',
            field=models.TextField(blank=True, default=''),
        ),
        migrations.RunPython(index_publications, migrations.RunPython.noop),
    ]
