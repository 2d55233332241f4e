"""Issue 9.2: every staff form field for text people type refuses what core/limits.py refuses,
with a message that says the limit (and, in a list, which line)."""

from __future__ import annotations

import pytest
from django.utils import translation

from sengen.core.limits import MAX_ITEMS, MAX_LINE_CHARS, MAX_NAME_CHARS, MAX_UNIT_CHARS
from sengen.staff import fields, forms

LONG_LINE = "A" * (MAX_LINE_CHARS + 1)
LONG_NAME = "取" * (MAX_NAME_CHARS + 1)


def errors_of(form) -> dict:
    assert not form.is_valid()
    return form.errors


def test_a_bullet_beyond_the_limit_is_refused_naming_its_line():
    field = fields.LinesField(label="取組内容")
    with pytest.raises(forms.forms.ValidationError) as refused:
        field.clean("一行目\n" + LONG_LINE)
    assert "2行目" in refused.value.messages[0] and f"{MAX_LINE_CHARS:,}" in refused.value.messages[0]
    assert field.clean("A" * MAX_LINE_CHARS) == ["A" * MAX_LINE_CHARS]


def test_too_many_bullets_are_refused():
    field = fields.LinesField(label="取組内容")
    with pytest.raises(forms.forms.ValidationError) as refused:
        field.clean("\n".join(f"項目{i}" for i in range(MAX_ITEMS + 1)))
    assert f"{MAX_ITEMS}行まで" in refused.value.messages[0]
    assert len(field.clean("\n".join(f"項目{i}" for i in range(MAX_ITEMS)))) == MAX_ITEMS


def test_the_message_is_english_on_english_pages():
    field = fields.LinesField(label="content")
    with translation.override("en"):
        with pytest.raises(forms.forms.ValidationError) as refused:
            field.clean(LONG_LINE)
        assert refused.value.messages[0] == (
            f"Line 1 is too long: at most {MAX_LINE_CHARS:,} characters (it has {MAX_LINE_CHARS + 1:,}).")


@pytest.mark.django_db
def test_the_plan_form_refuses_a_long_title_and_a_long_target():
    from sengen.declarations.models import Department
    from sengen.declarations.services.imports import municipality_for_report

    department = Department.objects.create(municipality=municipality_for_report("伊勢原市"), name="市民生活部")
    form = forms.InitiativePlanForm({"version": 1, "number": 1, "title": LONG_NAME, "content": "短い"},
                                    department=department)
    assert "title" in errors_of(form)
    target = forms.TargetForm({"text": LONG_LINE, "unit": "人" * (MAX_UNIT_CHARS + 1)})
    assert set(errors_of(target)) == {"text", "unit"}


class _Target:
    def __init__(self, pk, kind="numeric"):
        self.pk, self.kind, self.unit = pk, kind, "人"


@pytest.mark.parametrize("form_class, data, field", [
    (forms.ProgressForm, {"as_of_7": "2024-09-30", "comment_7": LONG_LINE}, "comment_7"),
    (forms.ResultsForm, {"version": 1, "results": LONG_LINE}, "results"),
    (forms.ResultsForm, {"version": 1, "unmet_reason_7": LONG_LINE}, "unmet_reason_7"),
    (forms.ResultsForm, {"version": 1, "actual_unit_7": "人" * (MAX_UNIT_CHARS + 1)}, "actual_unit_7"),
])
def test_per_target_forms_refuse_long_text(form_class, data, field):
    assert field in errors_of(form_class(data, targets=[_Target(7)]))


def test_judging_and_correcting_refuse_long_reasons():
    judge = forms.JudgeForm({"version": 1, "grade_7": "A", "override_reason_7": LONG_LINE, "unmet_reason_7": LONG_LINE},
                            targets=[_Target(7)], grades=[], proposals={})
    assert {"override_reason_7", "unmet_reason_7"} <= set(errors_of(judge))
    correction = forms.CorrectionForm({"version": 1, "title": LONG_NAME, "content": "a", "reason": LONG_LINE,
                                       "target_7": LONG_LINE, "achievement_status": LONG_LINE},
                                      targets=[_Target(7)], with_results=True)
    assert {"title", "reason", "target_7", "achievement_status"} <= set(errors_of(correction))


def test_the_import_review_and_the_declaration_forms_refuse_long_names():
    review = forms.ImportReviewForm({"payload": "{}", "fiscal_year": 2017, "fiscal_year_label": "平成29年度",
                                     "document": "declaration", "department": LONG_NAME, "director_name": LONG_NAME,
                                     "state": "draft", "i0_number": 1, "i0_title": LONG_NAME,
                                     "i0_targets": LONG_LINE},
                                    initiatives=1, allow_states=False)
    assert {"department", "director_name", "i0_title", "i0_targets"} <= set(errors_of(review))
    transition = forms.TransitionForm({"reason": LONG_LINE})
    assert "reason" in errors_of(transition)
