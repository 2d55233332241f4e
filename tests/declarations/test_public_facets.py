"""The search filters' tokens of a published initiative (declarations.publicfacets)."""

from sengen.core.report import EVALUATIONS
from sengen.core.targets import KINDS
from sengen.declarations import publicfacets, publicindex
from sengen.declarations.models import FutureDirection, TargetKind


def test_the_categories_and_kinds_are_the_models_own():
    assert publicfacets.DIRECTIONS == tuple(FutureDirection.values)
    assert KINDS == tuple(TargetKind.values)
    assert set(publicfacets.EVALUATIONS) == set(EVALUATIONS)


def test_a_targets_kind_follows_what_the_document_says_of_it():
    assert publicfacets.target_kind({"metric": {"value": 5, "unit": "種類"}, "due": "2018-03-31"}) == "numeric"
    assert publicfacets.target_kind({"relative": {"change_percent": 10, "baseline": None}}) == "numeric"
    assert publicfacets.target_kind({"metric": None, "due": "2017-10"}) == "milestone"
    assert publicfacets.target_kind({"text": "住民の合意形成"}) == "qualitative"


def test_tokens_hold_no_space_and_are_longer_than_any_query_ngram():
    item = {"grade": "概ね 達成", "targets": [{"grade": "Ａ", "due": "2017-10"}, {"metric": {"value": 1, "unit": "人"}}]}
    tokens = publicfacets.entry_tokens(item, evaluations=["achieved", None, "bogus"], category="拡充")
    assert tokens == sorted(["evaluation:achieved", "evaluation:not_evaluated", "kind:milestone", "kind:numeric",
                             "grade:概ね_達成", "grade:a", "direction:拡充"])
    assert all(" " not in t and len(t) > 2 for t in tokens)
    assert publicfacets.entry_tokens({"targets": []}, evaluations=[], category="ない区分") == []
    assert " evaluation:achieved " in publicfacets.facets_text(tokens)


def test_the_index_rows_carry_the_tokens_in_their_ngrams_too():
    doc = {"document": "achievement_report", "initiatives": [
        {"number": 1, "title": "防災", "targets": [{"text": "訓練", "evaluation": "achieved"}]}]}
    row = publicindex.entry_rows(doc, municipality="市", department="部", fiscal_year=2017, year_label="",
                                 categories=["継続"])[0]
    assert row["facets"] == " direction:継続 evaluation:achieved kind:qualitative "
    assert {"direction:継続", "evaluation:achieved", "防災"} <= row["lexemes"]
