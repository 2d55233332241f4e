"""``services.publications``: published text is locked; corrections keep what they replaced, with
who, when and why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sengen.declarations.models import Progress, Publication, Revision
from sengen.declarations.selectors import (
    declaration_corrections,
    initiative_history,
    public_document,
    public_progress,
)
from sengen.declarations.services.plans import (
    InitiativePlan,
    TargetPlan,
    initiative_create,
)
from sengen.declarations.services.publications import Correction, initiative_correct
from sengen.declarations.services.results import ProgressInput, initiative_results_save, progress_record
from sengen.declarations.services.transitions import declaration_start_phase, declaration_transition

from ..helpers import LONG_LINE, LONG_NAME, fresh, initiative, publish, results_input

pytestmark = pytest.mark.django_db


def test_published_text_is_locked(people, reports):
    mine = publish(people, reports[0])
    one = initiative(mine, 1)
    for user in (people.editor, people.director, people.admin):
        with pytest.raises(PermissionDenied):
            initiative_results_save(user=user, initiative=one, version=one.version, data=results_input(one))


def test_a_correction_keeps_the_text_before_it_with_who_when_and_why(people, reports):
    mine = publish(people, reports[0])
    version = mine.version
    four = initiative(mine, 4)
    site = four.targets.get(position=1)
    initiative_correct(user=people.admin, initiative=four, version=four.version, reason="誤字の訂正",
                       correction=Correction(title="男女共同参画の推進", content=four.content,
                                             target_texts={site.pk: "男女共同参画ホームページの公開"}))
    history = initiative_history(four)
    assert len(history) == 1
    revision = history[0]
    assert (revision.reason, revision.user, revision.version) == ("誤字の訂正", people.admin, version + 1)
    assert revision.before["targets"][1]["text"] == "男女共同参画ホームページの作成"
    assert revision.after["targets"][1]["text"] == "男女共同参画ホームページの公開"
    assert declaration_corrections(mine) == history
    # The replaced target stays on record with the reason; its outcome follows the new text.
    new = four.targets.current().get(position=1)
    assert (new.revised_from, new.revision_reason) == (site, "誤字の訂正")
    assert new.outcome.evaluation == "not_achieved"
    doc = public_document(declaration=mine)
    assert doc["initiatives"][3]["targets"][1]["text"] == "男女共同参画ホームページの公開"
    assert Publication.objects.filter(declaration=mine).latest("id").reason == "誤字の訂正"


def test_a_correction_needs_a_reason_and_an_administrator(people, reports):
    mine = publish(people, reports[0])
    one = initiative(mine, 1)
    correction = Correction(title="新しい題", content=one.content, target_texts={})
    with pytest.raises(ValidationError):
        initiative_correct(user=people.admin, initiative=one, version=one.version, reason=" ", correction=correction)
    with pytest.raises(PermissionDenied):
        initiative_correct(user=people.director, initiative=one, version=one.version, reason="誤字",
                           correction=correction)
    assert not Revision.objects.exists()


def test_a_correction_during_the_next_phase_changes_the_published_text_only(people, seed_doc, draft):
    declaration = draft
    item = initiative_create(user=people.director, declaration=declaration, plan=InitiativePlan(
        number=1, title="地域コミュニテイの推進", section_ids=[people.section.pk],
        targets=[TargetPlan(text="住民の合意形成")]))
    for user, action in [(people.director, "submit"), (people.admin, "check"), (people.admin, "publish")]:
        declaration_transition(user=user, declaration=declaration, action=action)
    declaration_start_phase(user=people.director, declaration=declaration, phase="interim_report")
    progress_record(user=people.editor, initiative=fresh(item), entries=[
        ProgressInput(target_id=item.targets.get().pk, as_of=dt.date(2024, 8, 1), comment="説明会を開催")])
    item = fresh(item)
    initiative_correct(user=people.admin, initiative=item, version=item.version, reason="誤字（テイ→ティ）",
                       correction=Correction(title="地域コミュニティの推進", content=[], target_texts={}))
    doc = public_document(declaration=declaration)
    assert doc["document"] == "declaration"  # still the published phase, not the draft interim report
    assert doc["initiatives"][0]["title"] == "地域コミュニティの推進"
    assert public_progress(declaration=declaration) == []
    assert Progress.objects.count() == 1


# Text beyond core/limits.py (issue 9.2) --------------------------------------------------------

@pytest.mark.parametrize("what", ["reason", "title", "content", "target"])
def test_a_correction_beyond_the_limits_is_refused(people, reports, what):
    mine = publish(people, reports[0])
    one = initiative(mine, 1)
    target = one.targets.current().first()
    reason, correction = "誤字の訂正", Correction(title=one.title, content=list(one.content),
                                                 target_texts={target.pk: target.text + "。"})
    if what == "reason":
        reason = LONG_LINE
    elif what == "title":
        correction.title = LONG_NAME
    elif what == "content":
        correction.content = [LONG_LINE]
    else:
        correction.target_texts = {target.pk: LONG_LINE}
    with pytest.raises(ValidationError):
        initiative_correct(user=people.admin, initiative=one, version=one.version, reason=reason,
                           correction=correction)
    assert not Revision.objects.exists()
    assert fresh(one).title == initiative(mine, 1).title
