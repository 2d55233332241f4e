"""The 目標宣言 programme as data: cities, fiscal years, departments, declarations and results.

Two rules shape these models:

- Text people wrote is stored exactly as written (titles, bullets, targets, even the fiscal year
  label as the source spells it); normalised values (numbers, dates, categories) live in fields
  of their own beside it, so a published report can always be reprinted word for word.
- Behaviour lives in ``services`` (writes) and ``selectors`` (reads), not in ``save()``; the only
  methods here are display helpers and QuerySet filters.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sengen.core.eras import Due, fiscal_year_label

from .workflow import Phase, PublicationState


class Evaluation(models.TextChoices):
    ACHIEVED = "achieved", _("達成")
    PARTIALLY_ACHIEVED = "partially_achieved", _("一部達成")
    NOT_ACHIEVED = "not_achieved", _("未達成")
    NOT_EVALUATED = "not_evaluated", _("評価なし")


class GradingScale(models.Model):
    """A city's own scale for judging achievement (達成／概ね達成／未達成, A–D, …).

    Presets come from ``sengen.core.grading.PRESETS`` through a data migration; a city may add
    its own."""

    code = models.SlugField("コード", max_length=50, unique=True, allow_unicode=True)
    name = models.CharField("名称", max_length=200)

    class Meta:
        verbose_name = "評価尺度"
        verbose_name_plural = "評価尺度"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    scale = models.ForeignKey(GradingScale, on_delete=models.CASCADE, related_name="grades",
                              verbose_name="評価尺度")
    code = models.CharField("コード", max_length=50)
    label = models.CharField("表示名", max_length=100)
    order = models.PositiveSmallIntegerField("並び順", default=0)
    # Inclusive lower bound of the achievement rate (1.1 = 110 %); null for a grade that follows
    # the report's judgement (or one only a director may choose, such as 評価不能).
    min_rate = models.DecimalField("下限達成率", max_digits=8, decimal_places=4, null=True, blank=True)
    # What the grade stands for, so that grades of different cities' scales remain comparable.
    evaluation = models.CharField("評価区分", max_length=20, choices=Evaluation.choices)

    class Meta:
        verbose_name = "評価段階"
        verbose_name_plural = "評価段階"
        ordering = ["scale", "order"]
        constraints = [models.UniqueConstraint(fields=["scale", "code"], name="grade_unique_code_per_scale")]

    def __str__(self) -> str:
        return self.label


class Municipality(models.Model):
    # The empty name stands for "the source did not say" (``municipality: null`` in
    # sengen.report/1), so that such a report exports as null again instead of as a made-up name.
    name = models.CharField("自治体名", max_length=100, unique=True, blank=True)
    grading_scale = models.ForeignKey(GradingScale, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name="評価尺度")

    UNSPECIFIED_LABEL = "（未設定）"

    class Meta:
        verbose_name = "自治体"
        verbose_name_plural = "自治体"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.UNSPECIFIED_LABEL


class FiscalYear(models.Model):
    """A 年度 of one city's programme, stored as its Western start year (平成29年度 = 2017)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="fiscal_years",
                                     verbose_name="自治体")
    year = models.PositiveSmallIntegerField("年度（西暦の開始年）")
    # Deadlines for each phase; unset until 行政経営課 opens the year.
    declaration_due = models.DateField("目標宣言の期限", null=True, blank=True)
    interim_report_due = models.DateField("中間報告の期限", null=True, blank=True)
    achievement_report_due = models.DateField("達成状況報告の期限", null=True, blank=True)

    class Meta:
        verbose_name = "年度"
        verbose_name_plural = "年度"
        ordering = ["municipality", "-year"]
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="fiscal_year_unique")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return fiscal_year_label(self.year)


class Department(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="departments",
                                     verbose_name="自治体")
    name = models.CharField("部名", max_length=200)
    # The director's current title (市民生活部長); each declaration keeps the title of its year.
    director_title = models.CharField("部長の職名", max_length=200, blank=True)

    class Meta:
        verbose_name = "部"
        verbose_name_plural = "部"
        ordering = ["municipality", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


class Section(models.Model):
    """A 課 or 担当 that owns initiatives and whose staff enter their results."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="sections",
                                   verbose_name="部")
    name = models.CharField("課・担当名", max_length=200)

    class Meta:
        verbose_name = "課・担当"
        verbose_name_plural = "課・担当"
        ordering = ["department", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="section_unique_name")]

    def __str__(self) -> str:
        return self.name


class DeclarationQuerySet(models.QuerySet):
    def published(self) -> DeclarationQuerySet:
        return self.filter(state=PublicationState.PUBLISHED)

    def public(self) -> DeclarationQuerySet:
        """Published now, or published before and being worked on for its next phase (an
        interim or year-end report in draft): citizens keep reading the last publication
        (``selectors.public_document``) meanwhile."""
        # EXISTS rather than a join + DISTINCT: at national scale the join made the initiative
        # page take 4.6 s instead of 0.18 s (docs/benchmarks-load.md).
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
    number = models.PositiveIntegerField("番号")
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
        return f"{self.number}. {self.title}"


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


class PublicationQuerySet(models.QuerySet):
    def latest(self, *fields):
        """The newest publication, or None when there is none: what the public reads of a
        declaration (``declaration.publications.latest()``). With ``fields`` it is Django's own
        ``latest``, which raises when there is none."""
        if fields:
            return super().latest(*fields)
        # The id settles two publications of the same instant (a correction right after a
        # publication, within the clock's resolution).
        return self.order_by("-published_at", "-id").first()


class Publication(models.Model):
    """What citizens were shown: the ``sengen.report/1`` document as published, one row per
    publication or correction.

    The live rows are where staff work on the next phase (results entered during the year end
    must not appear on the public page half-written), so the public side reads the latest
    publication rather than the live rows."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="publications",
                                    verbose_name="目標宣言")
    phase = models.CharField("段階", max_length=30, choices=Phase.choices)
    version = models.PositiveIntegerField("版")
    document = models.JSONField("公開した内容")
    # An interim report's figures (latest progress per target), which sengen.report/1 has no
    # field for: [{"number", "target", "text", "value", "unit", "as_of", "comment"}, …].
    progress = models.JSONField("公開した進捗", default=list, blank=True, encoder=DjangoJSONEncoder)
    published_at = models.DateTimeField("公開日時")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name="公開者")
    # Empty for a first publication; the reason for a correction.
    reason = models.TextField("訂正理由", blank=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = "公開版"
        verbose_name_plural = "公開版"
        ordering = ["declaration", "-published_at", "-id"]

    def __str__(self) -> str:
        return f"{self.declaration} 版{self.version}"


class Revision(models.Model):
    """A correction of published text: the initiative before and after, who, when and why."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="revisions",
                                    verbose_name="目標宣言")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="revisions",
                                   verbose_name="取組")
    # The declaration's version this correction made.
    version = models.PositiveIntegerField("版")
    reason = models.TextField("訂正理由")
    # The initiative as sengen.report/1 has it (number, title, content, targets, …).
    before = models.JSONField("訂正前")
    after = models.JSONField("訂正後")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="訂正者")
    # Kept as written so the record still says who after the account is deleted.
    user_name = models.CharField("訂正者名", max_length=150)
    created_at = models.DateTimeField("訂正日時", auto_now_add=True)

    class Meta:
        verbose_name = "訂正履歴"
        verbose_name_plural = "訂正履歴"
        ordering = ["initiative", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="revision_has_reason")]

    def __str__(self) -> str:
        return f"{self.initiative} 版{self.version}"


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("管理者（行政経営課）")
    DIRECTOR = "director", _("部長")
    SECTION_EDITOR = "section_editor", _("課の担当者")
    VIEWER = "viewer", _("閲覧者")


class StaffProfile(models.Model):
    """What a staff account may do: its role and, for directors and section editors, where."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile",
                                verbose_name="利用者")
    role = models.CharField("役割", max_length=20, choices=Role.choices)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="staff", verbose_name="部")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True, related_name="staff",
                                verbose_name="課・担当")

    class Meta:
        verbose_name = "職員の役割"
        verbose_name_plural = "職員の役割"
        constraints = [
            # A director without a department or an editor without a section would see nothing
            # (or, worse, a bug would let them see everything): the database refuses both.
            models.CheckConstraint(
                condition=(Q(role="director", department__isnull=False)
                           | Q(role="section_editor", section__isnull=False)
                           | Q(role__in=["administrator", "viewer"])),
                name="staff_profile_scope_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class AuditEntry(models.Model):
    """Who changed what, when: one row per write made through the services."""

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name="利用者")
    user_name = models.CharField("利用者名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=100)
    object_type = models.CharField("対象の種類", max_length=100)
    object_id = models.CharField("対象のID", max_length=50)
    object_repr = models.CharField("対象", max_length=300)
    detail = models.JSONField("内容", default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = "操作記録"
        verbose_name_plural = "操作記録"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.object_repr}"


# The public index (declarations.publicindex writes it) --------------------------------------------

class GramsField(models.TextField):
    """The character unigrams and bigrams of a text as a PostgreSQL ``tsvector`` (each n-gram one
    lexeme, written by ``publicindex`` as tsvector input, never through a text-search parser),
    GIN-indexed: the only index that finds two-character Japanese words (pg_trgm needs three
    characters, and reads no non-ASCII letters in a C-locale database). Plain text elsewhere,
    left empty: SQLite holds one city's data and scans."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else super().db_type(connection)


@GramsField.register_lookup
class NgramsMatch(models.Lookup):
    """``grams__ngrams=publicindex.tsquery_literal(words)``: the n-grams hold every lexeme of the
    query. The query is a parameter cast to ``tsquery`` as it is (not ``to_tsquery``, whose
    parser would drop non-ASCII letters in a C-locale database). PostgreSQL only."""

    lookup_name = "ngrams"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ ({rhs})::tsquery", [*lhs_params, *rhs_params]


class PublicEntry(models.Model):
    """One initiative of the latest publication of a published declaration, as citizens read it:
    what the public search looks through. Rewritten with every publication (and correction), in
    the same transaction, so search never finds a draft of the next phase."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="+")
    # None for a declaration published before publication records existed (indexed from its
    # live rows, which are then what citizens read).
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    municipality = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=200)
    fiscal_year = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=30)  # the document's, as Phase's values
    number = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField()
    title = models.TextField()
    # Every column of the row, the department, city and year, NFKC-normalised and lower-cased,
    # one field a line: the substring a query's words are confirmed against.
    text = models.TextField()
    grams = GramsField(blank=True)

    class Meta:
        verbose_name = "公開索引（取組）"
        verbose_name_plural = "公開索引（取組）"
        # Results are listed newest year first; this index lets a common word's first page
        # be read in order without sorting every hit.
        indexes = [models.Index(fields=["-fiscal_year", "municipality", "department", "position"],
                                name="publicentry_listing")]


class PublicSummary(models.Model):
    """How many targets the latest publication of a declaration counts in each evaluation: the
    year page and the index sum these rows instead of reading every document."""

    declaration = models.OneToOneField(Declaration, on_delete=models.CASCADE, related_name="+")
    # None for a declaration published before publication records existed (indexed from its
    # live rows, which are then what citizens read).
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    municipality = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=200)
    fiscal_year = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=30)  # the document's, as Phase's values
    initiatives = models.PositiveIntegerField(default=0)
    achieved = models.PositiveIntegerField(default=0)
    partially_achieved = models.PositiveIntegerField(default=0)
    not_achieved = models.PositiveIntegerField(default=0)
    not_evaluated = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "公開集計"
        verbose_name_plural = "公開集計"
        indexes = [models.Index(fields=["fiscal_year", "municipality", "department"], name="publicsummary_year")]
