"""An import never lowers a published report's state nor drops the grades its director
confirmed unless the person chooses it (issue 12.4): the browser import's default 作成中 once
turned the published 2017 report into a draft and wiped every confirmed grade."""

from __future__ import annotations

import copy
import json

import pytest

from sengen.declarations.models import Outcome, PublicationState
from sengen.declarations.services.imports import WouldLose, report_import

from ..helpers import fresh, publish, refused, run

pytestmark = pytest.mark.django_db


def _judged(declaration) -> int:
    return Outcome.objects.filter(target__initiative__declaration=declaration, judged_at__isnull=False).count()


def test_importing_a_draft_over_the_published_report_is_refused_saying_what_it_would_lose(
        people, reports, seed_doc):
    mine = publish(people, reports[0])
    judged, version = _judged(mine), mine.version
    assert judged > 0
    changed = copy.deepcopy(seed_doc)
    changed["initiatives"][0]["title"] = "地域コミュニティの推進（改）"
    with pytest.raises(WouldLose) as refused_:
        report_import(doc=changed, state="draft", user=people.admin)
    message = " ".join(refused_.value.message_dict["replace_published"])
    assert "公開中の報告が「作成中」になります" in message and f"確定した評価 {judged} 件" in message
    mine = fresh(mine)
    assert (mine.state, mine.version, _judged(mine)) == (PublicationState.PUBLISHED, version, judged)

    # As published it keeps the state, but would still replace the confirmed grades: refused too.
    with pytest.raises(WouldLose, match="確定した評価"):
        report_import(doc=changed, state="published", user=people.admin)

    # Chosen: stored as asked.
    report_import(doc=changed, state="draft", user=people.admin, replace_published=True)
    mine = fresh(mine)
    assert mine.state == PublicationState.DRAFT and _judged(mine) == 0
    assert mine.initiatives.get(number=1).title == "地域コミュニティの推進（改）"


def test_a_published_report_without_confirmed_grades_is_replaced_as_published_freely(seed_doc):
    # What `sengen import` of a city's PDFs does year after year: nothing confirmed in sengen.
    doc = copy.deepcopy(seed_doc)
    report_import(doc=doc)
    assert report_import(doc=copy.deepcopy(doc)).action == "unchanged"
    doc["initiatives"][0]["title"] = "別の取組名"
    stored = report_import(doc=doc)
    assert stored.action == "updated" and stored.declaration.state == PublicationState.PUBLISHED


def test_the_import_command_refuses_it_in_one_line_unless_told(people, reports, seed_doc, tmp_path):
    mine = publish(people, reports[0])
    changed = copy.deepcopy(seed_doc)
    changed["initiatives"][0]["title"] = "地域コミュニティの推進（改）"
    path = tmp_path / "h29.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    error = refused("import", str(path))
    assert "確定した評価" in str(error) and "--replace-published" in str(error)
    assert fresh(mine).initiatives.get(number=1).title == "地域コミュニティの推進"
    run("import", str(path), "--replace-published")
    assert fresh(mine).initiatives.get(number=1).title == "地域コミュニティの推進（改）"
