"""The staff pages' own words and figures (issue 12, item 5): a natural sentence after each
workflow action, 「No.」 in sengen's labels, fiscal-year examples that are right, rates printed as
the public pages print them, and the proposed and confirmed grade each in its own column."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from sengen.core import workflow
from sengen.core.eras import fiscal_year_label
from sengen.declarations.grading import grade_proposal
from sengen.declarations.models import Declaration, Outcome, Target
from sengen.declarations.services.results import Judgement, declaration_judge
from sengen.declarations.workflow import TRANSITION_DONE
from sengen.portal.selectors import format_rate
from sengen.staff.forms import FiscalYearOpenForm, InitiativePlanForm
from tests.staff.pages import html

pytestmark = pytest.mark.django_db


def _judge_all(people, declaration):
    for target in Target.objects.filter(initiative__declaration=declaration):
        proposal = grade_proposal(target=target)
        declaration_judge(user=people.director, declaration=declaration,
                          version=Declaration.objects.get(pk=declaration.pk).version,
                          judgements=[Judgement(target_id=target.pk, grade_code=proposal or "未達成", unmet_reason="理由",
                                                override_reason="" if proposal else "数値がないため")])


@pytest.mark.parametrize("language, expected", [
    ("ja", ["部長として承認しました", "確認済みにしました", "作成中に戻しました"]),
    ("en", ["Approved as director.", "Marked as checked.", "Returned to draft."]),
])
def test_each_workflow_action_ends_with_a_sentence_of_its_own(client, people, reports, settings, language, expected):
    mine, _ = reports
    _judge_all(people, mine)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    said = []
    for user, action in [(people.director, "approve"), (people.admin, "check"), (people.admin, "return")]:
        client.force_login(user)
        said.append(html(client.post(reverse("staff:declaration_action", args=[mine.pk, action]), follow=True)))
    for page, sentence in zip(said, expected, strict=True):
        assert sentence in page
        assert "を行いました" not in page and "Done: " not in page


def test_every_action_has_its_sentence_in_both_languages():
    assert set(TRANSITION_DONE) == set(workflow.ACTIONS)
    with translation.override("en"):
        english = {action: str(text) for action, text in TRANSITION_DONE.items()}
    assert english["publish"] == "Published: the public pages now show it."
    assert all(not re.search(r"[぀-ヿ一-鿿]", text) for text in english.values())


@translation.override("ja")
def test_the_number_label_sengen_writes_reads_no_with_a_letter_o(people, reports):
    form = InitiativePlanForm(department=people.department, form=None)
    assert form.fields["number"].label == "番号（No.）"
    # A city's own copy of the seed's form keeps 「N0.」 in its definition; the page says 「No.」.
    import dataclasses

    from sengen.core.forms import DEFAULT_FORM, presets

    copied = dataclasses.replace(presets()[DEFAULT_FORM], code="isehara-copy")
    assert copied.number_label == "N0."
    assert InitiativePlanForm(department=people.department, form=copied).fields["number"].label == "No."


@translation.override("ja")
def test_the_fiscal_year_hint_gives_examples_that_are_right():
    hint = str(FiscalYearOpenForm().fields["year"].help_text)
    examples = re.findall(r"((?:平成|令和)(?:\d+|元)年度)なら (\d{4})", hint)
    assert ("平成30年度", "2018") in examples and ("令和元年度", "2019") in examples
    for label, year in examples:
        assert fiscal_year_label(int(year)) == label


def test_staff_pages_print_a_rate_as_the_public_pages_do(login, reports):
    mine, _ = reports
    outcome = Outcome.objects.get(target__initiative__declaration=mine, achievement_rate=Decimal("0.985"))
    public = format_rate(outcome.achievement_rate)  # what the portal's target_status prints
    assert public == "98.5%"
    client = login("director")
    detail = html(client.get(reverse("staff:declaration", args=[mine.pk])))
    judge = html(client.get(reverse("staff:declaration_judge", args=[mine.pk])))
    assert outcome.actual_value is not None
    assert "（98.5%）" in detail and "98.5%" in judge
    assert "（98%）" not in detail and ": 98%" not in judge


def test_the_proposed_and_the_confirmed_grade_each_have_their_column(login, people, reports):
    mine, _ = reports
    target = Target.objects.get(initiative__declaration=mine, outcome__achievement_rate=Decimal("0.985"))
    proposal = grade_proposal(target=target)
    assert proposal
    declaration_judge(user=people.director, declaration=mine, version=mine.version, judgements=[
        Judgement(target_id=target.pk, grade_code="達成", override_reason="翌月交付分を含めると達成のため",
                  unmet_reason="理由")])
    page = html(login("director").get(reverse("staff:declaration", args=[mine.pk])))
    head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
    columns = re.findall(r"<th[^>]*>(.*?)</th>", head)
    assert columns[-2:] == ["評価段階（提案）", "評価段階（確定）"]
    row = next(r for r in re.findall(r"<tr>(.*?)</tr>", page, re.S) if target.text in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert re.sub(r"<[^>]+>", "", cells[-2]).strip() == proposal
    assert re.sub(r"<[^>]+>", "", cells[-1]).strip().startswith("達成")
    # The other targets are not confirmed: their column says so instead of repeating a proposal.
    assert page.count("<td><span class=\"muted\">未確定</span></td>") == Target.objects.filter(
        initiative__declaration=mine).count() - 1
