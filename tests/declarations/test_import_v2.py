"""A ``sengen.report/2`` report is stored only when nothing it says would be lost: the tables
hold what /1 says, so a /2 report with a preamble or an initiative's grade is refused at that
field instead of being stored without it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sengen.core.report import ReportError, normalise, upgrade
from sengen.declarations.models import Declaration, Initiative, Target
from sengen.declarations.selectors import report_document
from sengen.declarations.services.imports import report_import

V2 = Path(__file__).resolve().parents[1] / "fixtures" / "v2"


def _counts() -> tuple[int, int, int]:
    return Declaration.objects.count(), Initiative.objects.count(), Target.objects.count()


@pytest.mark.django_db
def test_a_v2_report_that_v1_can_say_is_stored_as_it_is(seed_doc):
    result = report_import(doc=upgrade(seed_doc))
    assert report_document(declaration=result.declaration) == normalise(seed_doc)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(p.name for p in V2.glob("*.json")))
def test_a_v2_report_saying_more_than_v1_is_refused_and_nothing_is_stored(name):
    doc = json.loads((V2 / name).read_text(encoding="utf-8"))
    before = _counts()
    with pytest.raises(ReportError) as refused:
        report_import(doc=doc)
    assert refused.value.path.startswith("$") and refused.value.path != "$"
    assert _counts() == before


@pytest.mark.django_db
def test_sengen_import_says_so_in_one_line_and_exits_2(tmp_path):
    source = V2 / "f2-kankyo-achievement.json"
    err = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import", str(source), stdout=io.StringIO(), stderr=err)
    assert failed.value.returncode == 2
    said = err.getvalue() + str(failed.value)
    assert "sengen.report/1" in said and "Traceback" not in said
    assert Declaration.objects.count() == 0
