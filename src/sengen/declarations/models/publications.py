"""What was published and changed: publication records, corrections (revisions), the audit log,
and the public index search reads."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from ..workflow import Phase
from .declarations import Declaration, Initiative


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


class _PublishedRow(models.Model):
    """Which publication a row of the public index comes from, and the city, department, year
    and phase it names, copied from it so the search and the year page filter and sort without a
    join: the same five fields for an initiative's row and a declaration's tally."""

    # None for a declaration published before publication records existed (indexed from its
    # live rows, which are then what citizens read).
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    municipality = models.CharField(max_length=100, blank=True)
    department = models.CharField(max_length=200)
    fiscal_year = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=30)  # the document's, as Phase's values

    class Meta:
        abstract = True


class PublicEntry(_PublishedRow):
    """One initiative of the latest publication of a published declaration, as citizens read it:
    what the public search looks through. Rewritten with every publication (and correction), in
    the same transaction, so search never finds a draft of the next phase."""

    declaration = models.ForeignKey(Declaration, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(null=True, blank=True)  # null: an unnumbered item (sengen.report/2)
    position = models.PositiveSmallIntegerField()
    title = models.TextField()
    # Every column of the row, the department, city and year, NFKC-normalised and lower-cased,
    # one field a line: the substring a query's words are confirmed against.
    text = models.TextField()
    grams = GramsField(blank=True)
    # The search filters' tokens (declarations.publicfacets), " evaluation:achieved kind:numeric ":
    # matched whole on SQLite; on PostgreSQL the same tokens are lexemes of ``grams``.
    facets = models.TextField(blank=True, default="")

    class Meta:
        verbose_name = "公開索引（取組）"
        verbose_name_plural = "公開索引（取組）"
        # Results are listed newest year first; this index lets a common word's first page
        # be read in order without sorting every hit.
        indexes = [models.Index(fields=["-fiscal_year", "municipality", "department", "position"],
                                name="publicentry_listing")]


class PublicSummary(_PublishedRow):
    """How many targets the latest publication of a declaration counts in each evaluation: the
    year page and the index sum these rows instead of reading every document."""

    declaration = models.OneToOneField(Declaration, on_delete=models.CASCADE, related_name="+")
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
