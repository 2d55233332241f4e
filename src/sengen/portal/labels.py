"""What the public pages call things, translatable: the evaluations (with the mark and colour
that go with each), the search fields, the download formats, the year's name. The phases are
their choices' labels (``declarations.workflow.Phase``), which go through the same catalogue;
what a city wrote stays as it wrote it."""

from django.utils.translation import get_language, gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from sengen.core.eras import fiscal_year_label
from sengen.declarations.workflow import Phase

PHASES = dict(Phase.choices)

# Each evaluation has a word, a colour and a shape (○ △ × －, as Japanese tables mark them), so
# that it reads without colour too.
EVALUATIONS = {
    "achieved": {"label": _("達成"), "mark": "○", "css": "achieved"},
    "partially_achieved": {"label": _("一部達成"), "mark": "△", "css": "partial"},
    "not_achieved": {"label": _("未達成"), "mark": "×", "css": "unmet"},
    "not_evaluated": {"label": _("評価なし"), "mark": "－", "css": "none"},
}

SEARCH_FIELDS = {
    "title": _("取組名"),
    "content": _("取組内容"),
    "targets": _("達成目標"),
    "results": _("取組結果"),
    "future_direction": _("今後の取組の方向性"),
    "achievement_status": _("目標達成状況"),
}

# The headings the site gives the pages the static search indexes (those with an id: Pagefind
# makes a hit's parts of them, titled by the heading). The index holds the Japanese pages only, so
# the English search page shows these in English (indexed_headings); a heading a city's form
# names stays as written.
INDEXED_HEADINGS = (
    gettext_noop("取組内容"), gettext_noop("達成目標"), gettext_noop("取組結果"), gettext_noop("進捗の記録"),
    gettext_noop("公開後の訂正"), gettext_noop("数値目標の推移"), gettext_noop("達成目標の評価"),
    gettext_noop("取組の評価段階ごとの件数"), gettext_noop("評価段階ごとの件数"), gettext_noop("前文"),
)


def indexed_headings() -> dict[str, str]:
    """Each of ``INDEXED_HEADINGS`` (as the index holds it) that the current language words
    otherwise, with those words."""
    return {heading: gettext(heading) for heading in INDEXED_HEADINGS if gettext(heading) != heading}


DOWNLOADS = (
    ("pdf", _("PDF（印刷用の表）")),
    ("xlsx", _("Excel（XLSX）")),
    ("csv", _("CSV（Excel で開ける UTF-8）")),
    ("json", _("JSON（sengen.report/1）")),
)


def downloads_for(doc: dict) -> list[tuple[str, str]]:
    """``DOWNLOADS`` with the JSON entry naming the schema the file really has (a report /1
    cannot say is written as /2)."""
    schema = doc.get("schema") or "sengen.report/1"
    if schema == "sengen.report/1":
        return list(DOWNLOADS)
    return [(fmt, _("JSON（%(schema)s）") % {"schema": schema} if fmt == "json" else label)
            for fmt, label in DOWNLOADS]


def year_label(year: int) -> str:
    """平成29年度 in Japanese; FY2017 in English (the era name follows in the page, marked lang=ja)."""
    if (get_language() or "ja").startswith("ja"):
        return fiscal_year_label(year)
    return f"FY{year}"
