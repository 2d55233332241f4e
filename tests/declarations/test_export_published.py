"""`sengen export` of one department writes what citizens read — the last publication — unless
``--draft`` asks for the live rows (issue 12.4: a report reopened for its year-end phase was
exported as that draft, not as published)."""

from __future__ import annotations

import json

import pytest

from sengen.declarations.models import Phase, PublicationState
from sengen.declarations.services.imports import report_import
from sengen.declarations.services.transitions import declaration_start_phase

from .helpers import fresh, refused, run

pytestmark = pytest.mark.django_db

ARGS = ("export", "--fiscal-year", "2017", "--department", "市民生活部")


def test_export_writes_the_published_report_while_the_next_phase_is_a_draft(people, seed_doc):
    seed_doc["document"] = "declaration"
    for item in seed_doc["initiatives"]:
        item.update(results=[], future_direction=[], achievement_status=[])
    declaration = report_import(doc=seed_doc).declaration  # published, as a city's PDF is
    declaration_start_phase(user=people.director, declaration=declaration, phase=Phase.ACHIEVEMENT_REPORT)
    declaration = fresh(declaration)
    item = declaration.initiatives.get(number=1)
    item.results = ["作業中の結果（まだ誰にも見せていない）"]
    item.save()
    assert declaration.state == PublicationState.DRAFT

    published = json.loads(run(*ARGS))
    assert published["document"] == "declaration"
    assert published["initiatives"][0]["results"] == []

    draft = json.loads(run(*ARGS, "--draft"))
    assert draft["document"] == "achievement_report"
    assert draft["initiatives"][0]["results"] == ["作業中の結果（まだ誰にも見せていない）"]


def test_export_of_a_report_never_published_says_to_ask_for_the_draft(seed_doc):
    report_import(doc=seed_doc, state="draft")
    error = refused(*ARGS)
    assert "まだ公開されていません" in str(error) and "--draft" in str(error)
    assert json.loads(run(*ARGS, "--draft"))["department"] == "市民生活部"
