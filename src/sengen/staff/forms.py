"""Server-rendered forms for the staff pages; they hold no business rules (those are in the
services), only the shape of what a person typed."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sengen.core import forms as core_forms
from sengen.core import workflow
from sengen.declarations import textlimits
from sengen.declarations.models import (
    Department,
    Direction,
    DuePrecision,
    Evaluation,
    FiscalYear,
    FutureDirection,
    Municipality,
    Phase,
    PublicationState,
    Section,
    TargetKind,
)
from sengen.declarations.permissions import Refusal
from sengen.renderers._form import PRINTED_LABELS

from .fields import LinesField, SdgsField
from .form_columns import (
    PLAN_COLUMNS,
    RESULT_COLUMNS,
    FormFieldsMixin,
    extra_labels,
    form_roles,
    interim_words,
    is_seed_form,
    role_labels,
)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _decimal(label, **kwargs):
    return forms.DecimalField(label=label, required=False, max_digits=24, decimal_places=6, **kwargs)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


# Fiscal years ------------------------------------------------------------------------------------

class DeadlinesForm(forms.Form):
    declaration_due = forms.DateField(label=_("目標宣言の期限"), required=False, widget=DateInput())
    interim_report_due = forms.DateField(label=_("中間報告の期限"), required=False, widget=DateInput())
    achievement_report_due = forms.DateField(label=_("達成状況報告の期限"), required=False, widget=DateInput())


class DeadlinesEditForm(DeadlinesForm):
    # The deadlines the page was opened on (services.deadlines_stamp): optimistic locking.
    opened = forms.CharField(widget=forms.HiddenInput)


class FiscalYearOpenForm(DeadlinesForm):
    municipality = forms.ModelChoiceField(label=_("自治体"), queryset=Municipality.objects.all(), empty_label=None)
    year = forms.IntegerField(label=_("年度（西暦の開始年）"), min_value=1989, max_value=2200,
                              help_text=_("年度が始まる4月の西暦年：平成30年度なら 2018、令和元年度なら 2019、令和7年度なら 2025"))
    field_order = ["municipality", "year"]


# Declarations ------------------------------------------------------------------------------------

class DeclarationCreateForm(forms.Form):
    department = forms.ModelChoiceField(label=_("部"), queryset=Department.objects.none(), empty_label=None)
    fiscal_year = forms.ModelChoiceField(label=_("年度"), queryset=FiscalYear.objects.none(), empty_label=None)
    director_title = forms.CharField(label=_("部長の職名"), required=False, validators=[textlimits.name],
                                     help_text=_("空欄なら部に登録された職名"))
    director_name = forms.CharField(label=_("部長名"), required=False, validators=[textlimits.name])

    def __init__(self, *args, departments, fiscal_years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["fiscal_year"].queryset = fiscal_years


class CarryOverForm(forms.Form):
    fiscal_year = forms.ModelChoiceField(label=_("引き継ぎ先の年度"), queryset=FiscalYear.objects.none(),
                                         empty_label=None)
    initiatives = forms.MultipleChoiceField(label=_("引き継ぐ取組"), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, fiscal_years, initiatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].queryset = fiscal_years
        self.fields["initiatives"].choices = [
            (str(i.pk), f"{i.number}. {i.title}"
                        + (gettext("［%(category)s］") % {"category": i.get_future_direction_category_display()}
                           if i.future_direction_category else ""))
            for i in initiatives]


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("コメント（任意）"), required=False, validators=[textlimits.line])
    # Ticked by a person who has seen what the report lacks and goes on (cycle.missing).
    confirm_incomplete = forms.BooleanField(label=_("不足を確認して進める"), required=False)


# Initiatives: the plan --------------------------------------------------------------------------

class InitiativePlanForm(FormFieldsMixin, VersionForm):
    # 「No.」: the seed's 「N0.」 (a zero) is its word processor's typo, kept in the seed's own
    # document only (renderers._form.PRINTED_LABELS); sengen's own labels spell it right.
    number = forms.IntegerField(label=_("番号（No.）"), min_value=0)
    title = forms.CharField(label=_("取組名"), widget=forms.Textarea(attrs={"rows": 2}),
                            validators=[textlimits.name])
    sections = forms.ModelMultipleChoiceField(label=_("担当課"), queryset=Section.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    content = LinesField(label=_("取組内容"))

    def __init__(self, *args, department, sections_locked=False, form=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.report_form = form
        self.extra_fields = {}
        self.targets_label = ""
        self.fields["sections"].queryset = department.sections.all()
        if sections_locked:
            self.fields["sections"].disabled = True
            self.fields["sections"].help_text = Refusal.CHANGE_SECTIONS
        if is_seed_form(form):
            return
        roles = form_roles(form, workflow.DECLARATION)
        every = {role for layout in form.layouts.values() for role in layout.roles}
        labels = role_labels(form)
        if not form.numbered:
            # Unnumbered items (matched by position): no number to ask for.
            self.fields["number"].required = False
            self.fields["number"].widget = forms.HiddenInput()
        elif form.number_label:
            self.fields["number"].label = PRINTED_LABELS.get(form.number_label, form.number_label)
        for name in ("sections", "content"):
            if name not in every:
                del self.fields[name]
        self._relabel(labels, ("title", "sections", "content"))
        self._add_columns(PLAN_COLUMNS, roles | (every & {"background", "approach", "partners", "plan_refs"}),
                          labels)
        if "sdgs" in every:
            self.fields["sdgs"] = SdgsField(label=labels.get("sdgs") or "SDGs")
        self._add_extra(extra_labels(form, workflow.DECLARATION))
        self.targets_label = labels.get("targets", "")


class TargetForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(label=_("達成目標（原文）"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           validators=[textlimits.line], help_text=_("書かれたとおりに。種類を「自動」にすると数値・単位・期限を文から読み取ります。"))
    kind = forms.ChoiceField(label=_("種類"), required=False,
                             choices=[("", _("自動（文から読み取る）")), *TargetKind.choices])
    value = _decimal(_("目標値"))
    unit = forms.CharField(label=_("単位"), required=False, validators=[textlimits.unit])
    direction = forms.ChoiceField(label=_("方向"), required=False, choices=[("", "—"), *Direction.choices])
    baseline_value = _decimal(_("現状値"))
    baseline_unit = forms.CharField(label=_("現状値の単位"), required=False, validators=[textlimits.unit])
    due_date = forms.DateField(label=_("期限"), required=False, widget=DateInput())
    due_precision = forms.ChoiceField(label=_("期限の精度"), required=False,
                                      choices=[("", "—"), *DuePrecision.choices])


class BaseTargetFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            data = form.cleaned_data
            if not data.get("text", "").strip() and any(data.get(k) for k in ("value", "unit", "due_date")):
                form.add_error("text", _("達成目標の文を入力してください"))


TargetFormSet = forms.formset_factory(TargetForm, formset=BaseTargetFormSet, extra=1, can_delete=True)


# Interim progress, year-end results, judging, corrections ---------------------------------------

class _PerTargetForm(forms.Form):
    """Fields named ``<field>_<target pk>``, which is how the services name their errors."""

    per_target: tuple[str, ...] = ()

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = list(targets)
        for target in self.targets:
            for name, field in self.target_fields(target).items():
                self.fields[f"{name}_{target.pk}"] = field

    def target_fields(self, target) -> dict[str, forms.Field]:
        raise NotImplementedError

    def rows(self):
        return [{"target": t, "fields": [self[f"{name}_{t.pk}"] for name in self.target_fields(t)]}
                for t in self.targets]

    def target_data(self, target) -> dict:
        return {name: self.cleaned_data.get(f"{name}_{target.pk}") for name in self.target_fields(target)}


class ProgressForm(_PerTargetForm):
    def __init__(self, *args, form=None, **kwargs):
        # A form with an interim review of its own words (or printing an interim status) asks
        # each target's status in those words.
        self.interim = None
        if not is_seed_form(form) and (form.interim_levels or any(
                "interim_status" in layout.roles for layout in form.layouts.values())):
            self.interim = interim_words(form)
        super().__init__(*args, **kwargs)

    def target_fields(self, target):
        fields = {}
        if self.interim:
            fields["interim_status"] = forms.ChoiceField(
                label=_("中間の進捗状況"), required=False, initial=target.interim_status,
                choices=[("", "—"), *[(code, self.interim.get(code, code)) for code in core_forms.INTERIM_STATUSES]])
        if target.kind == TargetKind.NUMERIC:
            fields["value"] = _decimal(_("進捗値"))
            fields["unit"] = forms.CharField(label=_("単位"), required=False, validators=[textlimits.unit],
                                             initial=target.unit)
        fields["as_of"] = forms.DateField(label=_("時点"), widget=DateInput(), initial=dt.date.today)
        fields["comment"] = forms.CharField(label=_("コメント"), required=False, validators=[textlimits.line],
                                            widget=forms.Textarea(attrs={"rows": 2}))
        return fields


class ResultsForm(FormFieldsMixin, VersionForm, _PerTargetForm):
    results = LinesField(label=_("取組結果"))
    future_direction = LinesField(label=_("今後の取組の方向性"))
    future_direction_category = forms.ChoiceField(label=_("方向性の区分"), required=False,
                                                  choices=[("", "—"), *FutureDirection.choices])
    achievement_status = LinesField(label=_("目標達成状況"))

    def __init__(self, *args, form=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.report_form = form
        self.extra_fields = {}
        if is_seed_form(form):
            return
        roles = form_roles(form, workflow.ACHIEVEMENT_REPORT)
        labels = role_labels(form)
        for name in ("results", "future_direction", "achievement_status"):
            if name not in roles:
                del self.fields[name]
        if "future_direction" not in roles:
            del self.fields["future_direction_category"]
        self._relabel(labels, ("results", "future_direction", "achievement_status"))
        plan_roles = form_roles(form, workflow.DECLARATION)
        self._add_columns(RESULT_COLUMNS, {r for r in roles if r == "self_evaluation" or r not in plan_roles}, labels)
        self._add_extra([label for label in extra_labels(form, workflow.ACHIEVEMENT_REPORT)
                         if label not in extra_labels(form, workflow.DECLARATION)])

    @property
    def shown_fields(self):
        per_target = {f"{name}_{t.pk}" for t in self.targets for name in self.target_fields(t)}
        return [self[name] for name in self.fields if name != "version" and name not in per_target]

    def target_fields(self, target):
        fields = {}
        if target.kind == TargetKind.NUMERIC:
            fields["actual_value"] = _decimal(_("実績値"))
            fields["actual_unit"] = forms.CharField(label=_("実績値の単位"), required=False, validators=[textlimits.unit])
        fields["evaluation"] = forms.ChoiceField(
            label=_("評価"), required=False, choices=[("", _("自動（実績値・達成状況の文から）")), *Evaluation.choices])
        fields["unmet_reason"] = forms.CharField(label=_("未達成の理由"), required=False,
                                                 widget=forms.Textarea(attrs={"rows": 2}), validators=[textlimits.line],
                                                 help_text=_("未達成の目標には必須です"))
        return fields


class JudgeForm(VersionForm, _PerTargetForm):
    def __init__(self, *args, grades, proposals, **kwargs):
        self.grades = list(grades)
        self.proposals = proposals
        super().__init__(*args, **kwargs)

    def target_fields(self, target):
        return {
            "grade": forms.ChoiceField(label=_("評価段階"), choices=[("", "—"), *[(g.code, g.label) for g in self.grades]],
                                       initial=self.proposals.get(target.pk) or None),
            "override_reason": forms.CharField(label=_("提案と異なる評価の理由"), required=False,
                                               widget=forms.Textarea(attrs={"rows": 2}), validators=[textlimits.line],
                                               help_text=_("提案と異なる評価を選ぶときは必須です")),
            "unmet_reason": forms.CharField(label=_("未達成の理由"), required=False,
                                            widget=forms.Textarea(attrs={"rows": 2}), validators=[textlimits.line],
                                            help_text=_("未達成の目標には必須です")),
        }


class InitiativeJudgeForm(VersionForm):
    """Judging a form that grades each initiative (``grade_placement`` "initiative"): one grade
    on the form's scale per initiative and its reason, labelled as the form labels them. sengen
    proposes nothing here: the director chooses."""

    def __init__(self, *args, initiatives, grades, form, **kwargs):
        super().__init__(*args, **kwargs)
        self.initiatives = list(initiatives)
        labels = role_labels(form)
        for initiative in self.initiatives:
            self.fields[f"initiative_grade_{initiative.pk}"] = forms.ChoiceField(
                label=labels.get("grade") or _("評価段階"), choices=[("", "—"), *[(g.code, g.label) for g in grades]])
            self.fields[f"initiative_reason_{initiative.pk}"] = forms.CharField(
                label=labels.get("grade_reason") or _("評価の理由"), required=False,
                widget=forms.Textarea(attrs={"rows": 2}), validators=[textlimits.line],
                help_text=_("達成できなかった評価・評価できない評価には必須です"))

    def rows(self):
        return [{"initiative": i, "fields": [self[f"initiative_grade_{i.pk}"], self[f"initiative_reason_{i.pk}"]]}
                for i in self.initiatives]


class CorrectionForm(FormFieldsMixin, VersionForm, _PerTargetForm):
    title = forms.CharField(label=_("取組名"), widget=forms.Textarea(attrs={"rows": 2}),
                            validators=[textlimits.name])
    content = LinesField(label=_("取組内容"))
    reason = forms.CharField(label=_("訂正の理由"), widget=forms.Textarea(attrs={"rows": 2}),
                             validators=[textlimits.line],
                             help_text=_("公開ページに「訂正」として日時とともに表示されます"))

    def __init__(self, *args, with_results: bool, form=None, **kwargs):
        seed = is_seed_form(form)
        labels = {} if seed else role_labels(form)
        # Before the fields are made: each target's field is labelled with it.
        self.target_label = labels.get("targets", "")
        super().__init__(*args, **kwargs)
        self.report_form = form
        self.extra_fields = {}
        roles = set() if seed else form_roles(form, workflow.ACHIEVEMENT_REPORT)
        if with_results:
            for name, label in (("results", _("取組結果")), ("future_direction", _("今後の取組の方向性")),
                                ("achievement_status", _("目標達成状況"))):
                if seed or name in roles:
                    self.fields[name] = LinesField(label=label)
        if not seed:
            # The columns the declaration's form has, in its words (as on the plan and results
            # pages); those it lacks are not shown and stay as stored.
            every = {role for layout in form.layouts.values() for role in layout.roles}
            if "content" not in every:
                del self.fields["content"]
            self._relabel(labels, ("title", "content", "results", "future_direction", "achievement_status"))
            self._add_columns(PLAN_COLUMNS, every, labels)
            if "sdgs" in every:
                self.fields["sdgs"] = SdgsField(label=labels.get("sdgs") or "SDGs")
            if with_results:
                self._add_columns(("self_evaluation",), every, labels)
            self._add_extra(extra_labels(form, workflow.DECLARATION) + (
                [label for label in extra_labels(form, workflow.ACHIEVEMENT_REPORT)
                 if label not in extra_labels(form, workflow.DECLARATION)] if with_results else []))
        self.order_fields(["title", "content"])

    CORRECTED_COLUMNS = (*PLAN_COLUMNS, "self_evaluation", "sdgs")

    def columns_data(self) -> dict | None:
        """The /2 columns shown, for ``publications.Correction.columns`` (None: none shown)."""
        data = {name: self.cleaned_data.get(name) for name in self.CORRECTED_COLUMNS if name in self.fields}
        if self.extra_fields:
            data["extra"] = self.extra_data()
        return data or None

    @property
    def column_fields(self):
        """The fields after the targets: the year-end columns and the form's /2 columns."""
        first = {"version", "title", "content", "reason"}
        per_target = {f"{name}_{t.pk}" for t in self.targets for name in self.target_fields(t)}
        return [self[name] for name in self.fields if name not in first and name not in per_target]

    def target_fields(self, target):
        label = f"{self.target_label}（原文）" if self.target_label else _("達成目標（原文）")
        return {"target": forms.CharField(label=label, widget=forms.Textarea(attrs={"rows": 2}),
                                          validators=[textlimits.line])}


# Import ----------------------------------------------------------------------------------------

class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("報告のファイル"),
                           help_text=_("PDF、PDFから抜き出したテキスト（.txt）、または sengen.report/1 の JSON。10 MB まで。"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("ファイルが大きすぎます（10 MB まで）"))
        return upload


class ImportReviewForm(forms.Form):
    """What was read, for staff to correct before it is stored. List columns are edited as one
    bullet per line; targets as one per line, whose figures are read again from the text."""

    payload = forms.CharField(widget=forms.HiddenInput)  # the parsed document and the source text (JSON)
    municipality = forms.CharField(label=_("自治体"), required=False, max_length=100)
    fiscal_year = forms.IntegerField(label=_("年度（西暦の開始年）"), min_value=1926, max_value=2200)
    fiscal_year_label = forms.CharField(label=_("年度の表記"), validators=[textlimits.unit])
    document = forms.ChoiceField(label=_("種類"), choices=Phase.choices)
    department = forms.CharField(label=_("部"), validators=[textlimits.name])
    director_title = forms.CharField(label=_("部長の職名"), required=False, validators=[textlimits.name])
    director_name = forms.CharField(label=_("部長名"), required=False, validators=[textlimits.name])
    state = forms.ChoiceField(label=_("保存する状態"), choices=[(PublicationState.DRAFT, PublicationState.DRAFT.label)])
    # Shown only over a published report or confirmed grades (import_review.at_stake): the
    # person chooses to lose them; unticked, the service refuses and says what would be lost.
    replace_published = forms.BooleanField(
        label=_("公開中の状態を下げる・確定した評価を置き換えることを承知で保存する"), required=False)

    ITEM_FIELDS = ("number", "title", "sections", "content", "targets", "results", "future_direction",
                   "achievement_status")

    def __init__(self, *args, initiatives: int, allow_states: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if allow_states:
            self.fields["state"].choices = PublicationState.choices
            self.fields["state"].help_text = _("既に公開された報告を取り込むときは「公開中」を選びます")
        self.count = initiatives
        for i in range(initiatives):
            self.fields[f"i{i}_number"] = forms.IntegerField(label=_("番号"), min_value=0)
            self.fields[f"i{i}_title"] = forms.CharField(label=_("取組名"), widget=forms.Textarea(attrs={"rows": 2}),
                                                         validators=[textlimits.name])
            self.fields[f"i{i}_sections"] = forms.CharField(label=_("担当課"), required=False,
                                                            validators=[textlimits.line],
                                                            help_text=_("複数のときは「、」で区切ります"))
            for name, label in (("content", _("取組内容")), ("targets", _("達成目標")), ("results", _("取組結果")),
                                ("future_direction", _("今後の取組の方向性")),
                                ("achievement_status", _("目標達成状況"))):
                self.fields[f"i{i}_{name}"] = LinesField(label=label)

    def items(self):
        return [[self[f"i{i}_{name}"] for name in self.ITEM_FIELDS] for i in range(self.count)]
