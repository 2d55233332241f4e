"""Reference data: cities and their grading scales, fiscal years, departments and sections, and
the staff roles scoped to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sengen.core.eras import fiscal_year_label


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
    # The form (様式) the city's new reports use; null: sengen's default (the seed's form,
    # core.forms.DEFAULT_FORM). A string reference: forms.py imports this module.
    form = models.ForeignKey("Form", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name="様式")
    # The license of the city's open data (the year's ZIP and its datapackage.json), as the city
    # names it; all three empty: the server's SENGEN_OPEN_DATA_LICENSE. Set through
    # services.open_data.open_data_license_save, which checks each part (a URL must be http(s)).
    open_data_license_name = models.CharField(
        "オープンデータのライセンス（識別子）", max_length=100, blank=True,
        help_text="SPDX の識別子（CC-BY-4.0、CC0-1.0 など）。識別子のないライセンスは空欄にして名前と URL を入力します。"
                  "3つとも空欄のときはサーバーの既定（SENGEN_OPEN_DATA_LICENSE）です")
    open_data_license_title = models.CharField(
        "オープンデータのライセンス（名前）", max_length=200, blank=True,
        help_text="公開ページと datapackage.json に表示する名前（例: 政府標準利用規約（第2.0版））。"
                  "知られた識別子なら空欄でも補います")
    open_data_license_path = models.CharField(
        "オープンデータのライセンス（URL）", max_length=500, blank=True,
        help_text="ライセンスの条文の URL（http:// または https://）")

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
    # An administrator of one city (its own settings, such as its open-data license, are theirs
    # alone); empty: an administrator of every city, as before cities had their own.
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="自治体（管理者）",
                                     help_text="管理者が設定を変更できる自治体。空欄はすべての自治体")

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
