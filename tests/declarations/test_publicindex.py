"""The public index follows every publication: import, publishing, the next phase, corrections."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from sengen.declarations import publicindex
from sengen.declarations.models import (
    Declaration,
    Initiative,
    Publication,
    PublicEntry,
    PublicSummary,
)
from sengen.declarations.selectors import public_document
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.publications import Correction, initiative_correct

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(django_user_model):
    # A superuser without a staff profile is an administrator.
    return django_user_model.objects.create_superuser("gyosei", password="sengen-test-password")


def entries(declaration) -> list[tuple[int, str]]:
    return list(PublicEntry.objects.filter(declaration=declaration).order_by("position")
                .values_list("number", "title"))


def test_importing_a_published_report_indexes_each_initiative_of_its_publication(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    publication = declaration.publications.get()
    assert entries(declaration) == [(i["number"], i["title"]) for i in seed_doc["initiatives"]]
    assert set(PublicEntry.objects.values_list("publication", flat=True)) == {publication.pk}
    summary = PublicSummary.objects.get(declaration=declaration)
    # the seed: 9 targets, 2 achieved, 3 not achieved, 4 not evaluated
    assert (summary.total, summary.achieved, summary.partially_achieved, summary.not_achieved,
            summary.not_evaluated, summary.initiatives) == (9, 2, 0, 3, 4, 5)


def test_a_draft_import_is_not_indexed(seed_doc):
    report_import(doc=seed_doc, state="draft")
    assert not PublicEntry.objects.exists() and not PublicSummary.objects.exists()


def test_the_next_phase_drafted_in_the_live_rows_leaves_the_index_as_published(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    before = list(PublicEntry.objects.values_list("id", "text"))
    # What declaration_start_phase does: the live rows become a draft that staff edit.
    Declaration.objects.filter(pk=declaration.pk).update(state="draft")
    Initiative.objects.filter(declaration=declaration, number=1).update(title="下書きの新しい題名")
    assert list(PublicEntry.objects.values_list("id", "text")) == before


def test_a_correction_replaces_the_declarations_rows(seed_doc, admin):
    declaration = report_import(doc=seed_doc).declaration
    four = Initiative.objects.get(declaration=declaration, number=4)
    initiative_correct(user=admin, initiative=four, version=four.version, reason="題名の誤記",
                       correction=Correction(title="男女共同参画社会の推進", content=four.content,
                                             target_texts={}))
    latest = declaration.publications.latest()
    assert dict(entries(declaration))[4] == "男女共同参画社会の推進"
    assert PublicEntry.objects.filter(declaration=declaration).count() == 5  # replaced, not added
    assert set(PublicEntry.objects.values_list("publication", flat=True)) == {latest.pk}
    assert PublicSummary.objects.get(declaration=declaration).publication_id == latest.pk


def test_latest_is_the_newest_publication_the_later_id_first_at_the_same_instant(seed_doc, admin):
    declaration = report_import(doc=seed_doc, state="draft").declaration
    assert declaration.publications.latest() is None
    first = Publication.objects.create(declaration=declaration, phase="declaration", version=1, document={},
                                       published_at=timezone.now())
    same_instant = Publication.objects.create(declaration=declaration, phase="declaration", version=2,
                                              document={}, published_at=first.published_at)
    older = Publication.objects.create(declaration=declaration, phase="declaration", version=3, document={},
                                       published_at=first.published_at - dt.timedelta(days=1))
    assert declaration.publications.latest() == same_instant
    assert Publication.objects.filter(pk__in=[first.pk, older.pk]).latest() == first
    assert declaration.publications.latest("version") == older  # with fields: Django's own
    with pytest.raises(Publication.DoesNotExist):
        Publication.objects.none().latest("published_at")


def test_the_evaluation_tally_counts_every_evaluation_and_an_unknown_one_as_not_evaluated():
    assert publicindex.evaluation_counts([]) == {"achieved": 0, "partially_achieved": 0, "not_achieved": 0,
                                                 "not_evaluated": 0}
    assert publicindex.evaluation_counts(["achieved", "achieved", None, "exceeded", "not_achieved"]) == {
        "achieved": 2, "partially_achieved": 0, "not_achieved": 1, "not_evaluated": 2}
    doc = {"initiatives": [{"targets": [{"evaluation": "partially_achieved"}, {}]}, {"targets": []}]}
    assert publicindex.summary_counts(doc) == {"achieved": 0, "partially_achieved": 1, "not_achieved": 0,
                                               "not_evaluated": 1, "total": 2, "initiatives": 2}


def test_reimporting_with_fewer_initiatives_drops_their_rows(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    shorter = copy.deepcopy(seed_doc)
    shorter["initiatives"] = shorter["initiatives"][:2]
    report_import(doc=shorter)
    assert [n for n, _ in entries(declaration)] == [1, 2]
    assert PublicSummary.objects.get(declaration=declaration).initiatives == 2


def test_rebuild_and_the_reindex_command_write_what_publishing_wrote(seed_doc):
    report_import(doc=seed_doc)
    other = copy.deepcopy(seed_doc)
    other["department"] = "総務部"
    report_import(doc=other)
    written = sorted(PublicEntry.objects.values_list("declaration", "number", "text", "grams"))
    counts = sorted(PublicSummary.objects.values_list("declaration", "total", "achieved", "not_evaluated"))
    PublicEntry.objects.all().delete()
    PublicSummary.objects.all().delete()
    call_command("reindex", verbosity=0)
    assert sorted(PublicEntry.objects.values_list("declaration", "number", "text", "grams")) == written
    assert sorted(PublicSummary.objects.values_list("declaration", "total", "achieved", "not_evaluated")) == counts
    # the migration's path: the historical models, publications only
    from django.apps import apps

    PublicEntry.objects.all().delete()
    publicindex.rebuild(apps=apps)
    assert sorted(PublicEntry.objects.values_list("declaration", "number", "text", "grams")) == written


def test_reindex_covers_a_declaration_published_before_publication_records(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    Publication.objects.filter(declaration=declaration).delete()  # the index rows go with it
    assert not PublicEntry.objects.exists()
    assert publicindex.unindexed_published() == 1
    call_command("reindex", verbosity=0)
    assert entries(declaration) == [(i["number"], i["title"])
                                    for i in public_document(declaration=declaration)["initiatives"]]


def test_ngrams_and_query_lexemes():
    text = publicindex.fold_for_search("公民館　ＡＢＣ１２")
    assert text == "公民館 abc12"
    assert publicindex.grams(text) >= {"公", "公民", "民館", "ab", "c1", "12"}
    assert not any(" " in g for g in publicindex.grams(text))
    assert publicindex.query_grams("公民") == ["公民"]
    assert publicindex.query_grams("公民館") == ["公民", "民館"]
    assert publicindex.query_grams("館") == ["館"]
    # quotes and backslashes are doubled inside quoted lexemes: input, never syntax
    assert publicindex.tsquery_literal(["a'"]) == "'a'''"
    assert publicindex.tsquery_literal(["公民館", "館"]) == "'公民' & '民館' & '館'"
    assert publicindex.tsvector_literal({"\\'"}) == "'\\\\'''"
