"""A department's declaration for a year: its initiatives, their targets and what became of them
(outcomes, interim progress)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sengen.core.eras import Due

from ..workflow import Phase, PublicationState
from .forms import FormVersion
from .reference import Department, Evaluation, FiscalYear, Grade, Section


class DeclarationQuerySet(models.QuerySet):
    def published(self) -> DeclarationQuerySet:
        return self.filter(state=PublicationState.PUBLISHED)

    def public(self) -> DeclarationQuerySet:
        """Published now, or published before and being worked on for its next phase (an
        interim or year-end report in draft): citizens keep reading the last publication
        (``selectors.public_document``) meanwhile."""
        # EXISTS rather than a join + DISTINCT: at national scale the join made the initiative
        # page take 4.6 s instead of 0.18 s (docs/benchmarks-load.md).
        from .publications import Publication  # publications import this module: look it up at call time

        has_publication = models.Exists(Publication.objects.filter(declaration=models.OuterRef("pk")))
        return self.filter(Q(state=PublicationState.PUBLISHED) | has_publication)


class Declaration(models.Model):
    """One department's 目標宣言 for one fiscal year, and later its reports on it."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="declarations",
                                   verbose_name="部")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="declarations",
                                    verbose_name="年度")
    # As the source spells it (令和２年度 with a full-width digit stays so).
    fiscal_year_label = models.CharField("年度の表記", max_length=50)
    director_title = models.CharField("部長の職名", max_length=200, blank=True)
    director_name = models.CharField("部長名", max_length=200, blank=True)
    phase = models.CharField("段階", max_length=30, choices=Phase.choices, default=Phase.DECLARATION)
    state = models.CharField("公開状態", max_length=20, choices=PublicationState.choices,
                             default=PublicationState.DRAFT)
    # Optimistic locking: a write states the version it read and fails if someone saved since.
    version = models.PositiveIntegerField("版", default=1)
    # Where the content came from (a file name for an import), for tracing a published text.
    source = models.CharField("取込元", max_length=500, blank=True)
    # Where each imported value was read: JSON path of the report → {file, page, cell, lines}
    # (sengen.parsers.parse_with_provenance). Kept so that anyone checking a published value
    # can find it in the city's own file.
    provenance = models.JSONField("読み取り元", default=dict, blank=True)
    # The form version the report was made with; null: the seed's form (core.forms.DEFAULT_FORM),
    # as for every report stored before forms existed. PROTECT: a report keeps its form.
    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="declarations", verbose_name="様式の版")
    # sengen.report/2: who declares (部, 課, 室…; blank = 部), the date the form prints, and the
    # blocks before the table ([{"label", "items", "sdgs", ...}] as the document has them).
    unit_kind = models.CharField("宣言する組織の種類", max_length=20, blank=True)
    declared_on = models.DateField("宣言日", null=True, blank=True)
    preamble = models.JSONField("前文", default=list, blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    published_at = models.DateTimeField("公開日時", null=True, blank=True)

    objects = DeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = "目標宣言"
        verbose_name_plural = "目標宣言"
        ordering = ["-fiscal_year__year", "department__name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "fiscal_year"], name="declaration_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year_label} {self.department.name}"


class FutureDirection(models.TextChoices):
    EXPAND = "拡充", _("拡充")
    CONTINUE = "継続", _("継続")
    IMPROVE = "改善", _("改善")
    MERGE = "統合", _("統合")
    REDUCE = "縮小", _("縮小")
    SUSPEND = "休止・廃止", _("休止・廃止")
    COMPLETE = "完了", _("完了")


class Initiative(models.Model):
    """A numbered row of the table (取組)."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="initiatives",
                                    verbose_name="目標宣言")
    # Row order as written; ``number`` is the N0. printed, which a source need not keep in order.
    position = models.PositiveSmallIntegerField("並び順")
    # Null for a form whose items are unnumbered (matched by position on re-import).
    number = models.PositiveIntegerField("番号", null=True, blank=True)
    title = models.TextField("取組名")
    sections = models.ManyToManyField(Section, through="InitiativeSection", related_name="initiatives",
                                      verbose_name="担当課")
    # Bullets as written, one string per ・; lists of strings, because order and wording are content.
    content = models.JSONField("取組内容", default=list, blank=True)
    results = models.JSONField("取組結果", default=list, blank=True)
    future_direction = models.JSONField("今後の取組の方向性", default=list, blank=True)
    future_direction_category = models.CharField("方向性の区分", max_length=10, choices=FutureDirection.choices,
                                                 blank=True)
    achievement_status = models.JSONField("目標達成状況", default=list, blank=True)
    # sengen.report/2's columns other forms print, each a list of strings as written.
    background = models.JSONField("現状と課題", default=list, blank=True)
    approach = models.JSONField("方策・手段", default=list, blank=True)
    partners = models.JSONField("協働関係先", default=list, blank=True)
    self_evaluation = models.JSONField("自己評価", default=list, blank=True)
    remarks = models.JSONField("備考", default=list, blank=True)
    sdgs = models.JSONField("SDGs", default=list, blank=True)
    plan_refs = models.JSONField("総合計画の施策", default=list, blank=True)
    # Columns with no role: [{"label", "items"}], so nothing a city printed is dropped.
    extra = models.JSONField("その他の欄", default=list, blank=True)
    # The initiative-level grade, for forms that grade the initiative rather than each target
    # (grade_placement "initiative"), on the form's scale; kept as written, like Outcome.grade_code.
    grade_code = models.CharField("評価（取組）", max_length=50, null=True, blank=True)
    grade_reason = models.TextField("評価の理由", blank=True)
    # Optimistic locking for the staff forms: a save states the version it read (see services).
    version = models.PositiveIntegerField("版", default=1)
    # The same initiative in an earlier year's declaration, to follow it across years.
    carried_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="carried_to", verbose_name="前年度の取組")

    class Meta:
        verbose_name = "取組"
        verbose_name_plural = "取組"
        ordering = ["declaration", "position"]
        constraints = [
            models.UniqueConstraint(fields=["declaration", "number"], name="initiative_unique_number"),
            models.UniqueConstraint(fields=["declaration", "position"], name="initiative_unique_position"),
        ]

    def __str__(self) -> str:
        return self.title if self.number is None else f"{self.number}. {self.title}"


class InitiativeSection(models.Model):
    """Keeps the order in which the sections are written (（市民協働課、文化会館担当）)."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="section_links")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="initiative_links")
    position = models.PositiveSmallIntegerField("並び順")

    class Meta:
        verbose_name = "担当課"
        verbose_name_plural = "担当課"
        ordering = ["initiative", "position"]
        constraints = [
            models.UniqueConstraint(fields=["initiative", "position"], name="initiative_section_unique_position"),
        ]


class TargetKind(models.TextChoices):
    NUMERIC = "numeric", _("数値目標")
    MILESTONE = "milestone", _("期日目標")
    QUALITATIVE = "qualitative", _("定性目標")


class Direction(models.TextChoices):
    HIGHER = "higher", _("以上（多いほど良い）")
    LOWER = "lower", _("以下（少ないほど良い）")


class DuePrecision(models.TextChoices):
    DAY = "day", _("日")
    MONTH = "month", _("月")
    FISCAL_YEAR_END = "fiscal_year_end", _("年度末")


# Room for 兆-yen budgets and for rates and values with several decimals, on both databases.
_VALUE = {"max_digits": 24, "decimal_places": 6}


class TargetQuerySet(models.QuerySet):
    def current(self) -> TargetQuerySet:
        """Targets in force: those no later revision replaced."""
        return self.filter(revisions__isnull=True)


class Target(models.Model):
    """A 達成目標 bullet: the text as written and what it promises, read from it."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="targets",
                                   verbose_name="取組")
    position = models.PositiveSmallIntegerField("並び順")
    text = models.TextField("達成目標（原文）")
    kind = models.CharField("種類", max_length=20, choices=TargetKind.choices)
    value = models.DecimalField("目標値", null=True, blank=True, **_VALUE)
    unit = models.CharField("単位", max_length=50, blank=True)
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, null=True, blank=True)
    baseline_value = models.DecimalField("現状値", null=True, blank=True, **_VALUE)
    baseline_unit = models.CharField("現状値の単位", max_length=50, blank=True)
    due_date = models.DateField("期限", null=True, blank=True)
    due_precision = models.CharField("期限の精度", max_length=20, choices=DuePrecision.choices, blank=True)
    # A revised target is a new row pointing at the one it replaces, so the history and the
    # reason for each change stay on record; the replaced row is no longer "current".
    revised_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="revisions", verbose_name="変更前の目標")
    revision_reason = models.TextField("変更理由", blank=True)
    # sengen.report/2: a relative target ({"change_percent", "baseline"}: 「2割増やす」) and
    # the interim status (on_track / needs_effort / at_risk; blank: none).
    relative = models.JSONField("相対目標", null=True, blank=True)
    interim_status = models.CharField("中間の進捗状況", max_length=20, blank=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "達成目標"
        verbose_name_plural = "達成目標"
        ordering = ["initiative", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revised_from__isnull=True) | ~Q(revision_reason=""),
                name="target_revision_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def due(self) -> Due | None:
        if self.due_date is None:
            return None
        return Due(self.due_date, self.due_precision or DuePrecision.DAY)


class Outcome(models.Model):
    """What came of one target at the year's end."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="outcome",
                                  verbose_name="達成目標")
    actual_value = models.DecimalField("実績値", null=True, blank=True, **_VALUE)
    actual_unit = models.CharField("実績値の単位", max_length=50, blank=True)
    achievement_rate = models.DecimalField("達成率", max_digits=16, decimal_places=6, null=True, blank=True)
    evaluation = models.CharField("評価", max_length=20, choices=Evaluation.choices,
                                  default=Evaluation.NOT_EVALUATED)
    # The grade as the report gives it, kept even when it names no grade of the city's scale
    # (an imported report from another city); ``grade`` links it when it does.
    grade_code = models.CharField("評価段階（原文）", max_length=50, null=True, blank=True)
    grade = models.ForeignKey(Grade, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="評価段階")
    grade_override_reason = models.TextField("提案と異なる評価の理由", blank=True)
    unmet_reason = models.TextField("未達成の理由", blank=True)
    # What sengen proposed (core.grading.propose_grade) when the results were last saved, so an
    # override stays visible as one; the director's confirmation is judged_by / judged_at.
    proposed_grade_code = models.CharField("提案された評価段階", max_length=50, blank=True)
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name="評価の確定者")
    judged_at = models.DateTimeField("評価の確定日時", null=True, blank=True)

    class Meta:
        verbose_name = "達成状況"
        verbose_name_plural = "達成状況"

    def __str__(self) -> str:
        return f"{self.target}: {self.get_evaluation_display()}"


class Progress(models.Model):
    """An interim report's figure for one target: where it stood on a day, and a comment."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="progress",
                               verbose_name="達成目標")
    value = models.DecimalField("進捗値", null=True, blank=True, **_VALUE)
    unit = models.CharField("単位", max_length=50, blank=True)
    as_of = models.DateField("時点")
    comment = models.TextField("コメント", blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name="入力者")
    created_at = models.DateTimeField("入力日時", auto_now_add=True)

    class Meta:
        verbose_name = "進捗"
        verbose_name_plural = "進捗"
        ordering = ["target", "as_of", "id"]

    def __str__(self) -> str:
        return f"{self.target}: {self.as_of}"
