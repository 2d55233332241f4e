import copy
import os

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sengen.declarations.models import Declaration, Target
from sengen.declarations.selectors import (
    DeclarationNotFound,
    declaration_get,
    report_document,
)
from sengen.declarations.services.imports import report_import
from sengen.portal.selectors import year_public, years_public

pytestmark = pytest.mark.django_db


def test_tests_run_on_the_database_database_url_names():
    """`make test` runs these tests twice; this one proves the PostgreSQL pass is on PostgreSQL."""
    expected = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == expected


def test_declaration_get_finds_by_year_and_department(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    assert declaration_get(fiscal_year=2017, department="市民生活部") == declaration
    assert declaration_get(fiscal_year=2017, department="市民生活部", municipality="伊勢原市") == declaration


@pytest.mark.parametrize("kwargs", [
    {"fiscal_year": 2018, "department": "市民生活部"},
    {"fiscal_year": 2017, "department": "総務部"},
    {"fiscal_year": 2017, "department": "市民生活部", "municipality": "秦野市"},
])
def test_declaration_get_says_what_it_did_not_find(seed_doc, kwargs):
    report_import(doc=seed_doc)
    with pytest.raises(DeclarationNotFound) as info:
        declaration_get(**kwargs)
    message = str(info.value)
    assert "\n" not in message
    assert str(kwargs["fiscal_year"]) in message and kwargs["department"] in message


def test_declaration_get_asks_for_the_city_when_two_have_the_department(seed_doc):
    report_import(doc=seed_doc)
    other = copy.deepcopy(seed_doc)
    other["municipality"] = "秦野市"
    report_import(doc=other)
    with pytest.raises(DeclarationNotFound, match="複数の自治体"):
        declaration_get(fiscal_year=2017, department="市民生活部")
    assert declaration_get(fiscal_year=2017, department="市民生活部",
                           municipality="秦野市").department.municipality.name == "秦野市"


def test_declaration_get_within_a_queryset_hides_unpublished(seed_doc):
    report_import(doc=seed_doc, state="draft")
    with pytest.raises(DeclarationNotFound):
        declaration_get(fiscal_year=2017, department="市民生活部", queryset=Declaration.objects.published())


def test_a_revised_target_leaves_the_document_but_keeps_its_history(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    old = Target.objects.get(initiative__declaration=declaration, initiative__number=2, position=0)
    Target.objects.create(initiative=old.initiative, position=0, text="くらし安心メール追加メニュー目標：６種類",
                          kind="numeric", value=6, unit="種類", revised_from=old, revision_reason="メニューを追加したため")
    targets = report_document(declaration=declaration)["initiatives"][1]["targets"]
    assert [t["text"] for t in targets] == [
        "くらし安心メール追加メニュー目標：６種類",
        "平成２９年度末時点のくらし安心メール登録目標：１２,０００人",
    ]
    assert old.revisions.get().revision_reason == "メニューを追加したため"


def test_the_public_index_lists_published_reports_by_year(seed_doc):
    report_import(doc=seed_doc)
    draft = copy.deepcopy(seed_doc)
    draft["department"] = "総務部"
    report_import(doc=draft, state="draft")
    newer = copy.deepcopy(seed_doc)
    newer["fiscal_year"], newer["fiscal_year_label"] = 2019, "令和元年度"
    report_import(doc=newer)
    # What the public index and year pages read (reports_public_index, read only by this test,
    # went: the pages read the public index, which only publications write).
    index = years_public()
    assert [(y["year"], y["label"]) for y in index] == [(2019, "令和元年度"), (2017, "平成29年度")]
    assert [row["department"] for row in year_public(fiscal_year=2017)["rows"]] == ["市民生活部"]


def test_the_report_is_read_in_a_fixed_number_of_queries(seed_doc):
    declaration = report_import(doc=seed_doc).declaration
    with CaptureQueriesContext(connection) as small:
        report_document(declaration=declaration)
    bigger = copy.deepcopy(seed_doc)
    bigger["department"] = "総務部"
    bigger["initiatives"] += [dict(copy.deepcopy(i), number=i["number"] + 10) for i in seed_doc["initiatives"]]
    declaration = report_import(doc=bigger).declaration
    with CaptureQueriesContext(connection) as large:
        report_document(declaration=declaration)
    assert len(large.captured_queries) == len(small.captured_queries) <= 6
