"""The browser import of a sengen.report/2 report (issue 11): upload → review → save stores every
/2 field — the form, unit kind, preamble, each initiative's grade and reason, its other columns —
and the review shows those it does not edit read-only, under the labels of the report's form."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sengen.core.report import normalise
from sengen.declarations.models import Declaration
from sengen.declarations.selectors import report_document
from sengen.parsers import parse_bytes
from sengen.renderers import render
from tests.conftest import SEED_DIR
from tests.staff.pages import form_fields, html

pytestmark = pytest.mark.django_db

F2 = SEED_DIR.parent / "v2" / "f2-kankyo-achievement.json"
UNNUMBERED = SEED_DIR.parent / "v2" / "f3-seisaku-unnumbered.json"


def _xlsx(doc: dict, form=None) -> bytes:
    return render(normalise(doc), "xlsx", form=form)


def _upload_and_save(client, doc: dict, name: str, form=None) -> tuple[str, Declaration]:
    upload = SimpleUploadedFile(name, _xlsx(doc, form))
    page = html(client.post(reverse("staff:import"), {"file": upload}))
    assert "読み取った内容の確認" in page, page[-2000:]
    response = client.post(reverse("staff:import_save"), form_fields(page))
    assert response.status_code == 302, html(response)[-3000:]
    return page, Declaration.objects.get(department__name=doc["department"])


def test_an_f2_workbook_goes_through_review_with_every_v2_field(login, people):
    doc = json.loads(F2.read_text(encoding="utf-8"))
    page, declaration = _upload_and_save(login("admin"), doc, "f2.xlsx")
    # Shown read-only in F2's own words (達成度 is its grade column), with the preamble.
    assert "部の使命・方針" in page and "ごみの少ない循環型のまちをつくります。" in page
    assert "<dt lang=\"ja\">達成度</dt>" in page and "達成基準どおり" in page
    assert "排出量は４９６ｇとなり、達成基準を満たしました。" in page
    stored = report_document(declaration=declaration)
    # What the reader read from the workbook is what is stored: the review drops nothing.
    want = parse_bytes(_xlsx(doc), source="f2.xlsx")
    assert want["initiatives"][0]["grade"] == "達成基準どおり"
    assert stored["form"]["code"] == "f2-sengensha" and stored["unit_kind"] == "部"
    assert stored["preamble"] == want["preamble"]
    for mine, theirs in zip(stored["initiatives"], want["initiatives"], strict=True):
        for key in ("number", "title", "content", "grade", "grade_reason", "sdgs", "extra", "background"):
            assert mine.get(key) == theirs.get(key), key
        assert [t.get("relative") for t in mine["targets"]] == [t.get("relative") for t in theirs["targets"]]


def test_an_unnumbered_report_is_reviewed_and_saved_without_numbers(login, people):
    from sengen.declarations.forms import form_current_version, form_of_version
    from tests.declarations.test_report_v2_storage import _city_form

    # The city's own form (no preset): the upload offers the stored forms to the reader.
    city_form = form_of_version(form_current_version(_city_form("f3-seisaku-sengen", "f3-seisaku", versions=2)))
    doc = json.loads(UNNUMBERED.read_text(encoding="utf-8"))
    _, declaration = _upload_and_save(login("admin"), doc, "f3.xlsx", city_form)
    assert declaration.form_version.form.code == "f3-seisaku-sengen"
    items = list(declaration.initiatives.order_by("position"))
    assert [(i.number, i.title) for i in items] == [(None, "公共施設再配置計画の策定"), (None, "若い世代の定住促進")]
    assert items[1].self_evaluation == ["発行が遅れた原因を振り返り、編集の工程表を見直します。"]
    assert items[1].extra == [{"label": "関係課", "items": ["子育て支援課", "広報課"]}]
