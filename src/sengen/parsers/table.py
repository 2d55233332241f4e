"""From a report's table, as cells, to ``sengen.report/1``.

Every layout reader (text extraction, PDF positions, XLSX cells) ends in the same
``ReportTable``: the heading facts and one ``Row`` of bullets per numbered initiative.
Turning that into the document — joining text, reading targets and judging them — is
shared here, so all formats read a report the same way.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sengen.core import workflow
from sengen.core.assess import assess
from sengen.core.eras import fiscal_year_label, nfkc, parse_fiscal_year
from sengen.core.report import SCHEMA, normalise
from sengen.core.text import BULLET, join_lines, squeeze_digit_spaces

from .errors import ParseError

BULLET_MARKS = (BULLET, "･", "●", "○", "◆", "◇", "■", "□", "◎")


@dataclass(frozen=True)
class Origin:
    """Where in the source file a value was read: what a reviewer needs to check it."""

    page: int | None = None  # PDF page, 1-based
    cell: str | None = None  # the column's name, or a spreadsheet cell such as 目標宣言!E7
    first_line: int | None = None  # lines of a text file, 1-based
    last_line: int | None = None

    def as_json(self, file: str) -> dict:
        out: dict = {"file": file}
        for key in ("page", "cell", "first_line", "last_line"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


CELL_FIELDS = ("content", "targets", "results", "future_direction", "achievement_status")


@dataclass
class Row:
    number: int
    title: str
    sections: list[str]
    content: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    future_direction: list[str] = field(default_factory=list)
    achievement_status: list[str] = field(default_factory=list)
    # "title" → [Origin]; each cell field → one Origin per bullet, in the same order.
    origins: dict[str, list[Origin]] = field(default_factory=dict)


@dataclass
class Heading:
    fiscal_year: int
    fiscal_year_label: str
    document: str
    department: str
    director_title: str
    director_name: str
    municipality: str | None


@dataclass
class ReportTable:
    heading: Heading
    rows: list[Row]


def strip_bullet(text: str) -> str:
    text = text.strip()
    for mark in BULLET_MARKS:
        if text.startswith(mark):
            return text[len(mark):].strip()
    return text


def bullet_text(lines: list[str]) -> str:
    """A bullet's wrapped lines as the one string its author wrote, without the ・."""
    return strip_bullet(join_lines(lines))


# --- the heading -------------------------------------------------------------------------

_TITLE_DOC_RE = (
    (workflow.ACHIEVEMENT_REPORT, re.compile(r"達成状況|達成報告|実績報告|結果報告|評価")),
    (workflow.INTERIM_REPORT, re.compile(r"中間|進捗|進ちょく")),
)
FY_LABEL_RE = re.compile(r"(?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})\s*年\s*度|\d{4}\s*年\s*度")
_DIRECTOR_RE = re.compile(r"^(?P<title>[^\s　・]{2,}?(?:部|局|室|本部|委員会|事務局|センター|課)長)(?:\s+|　+)(?P<name>\S.*)$")
_TITLE_DIRECTOR_RE = re.compile(r"(?P<title>[^\s　・]{2,}?(?:部|局|室|本部|委員会|事務局|センター|課)長)の?目標")
_NOT_PLACE_PREFIX = ("近隣", "政令", "中核", "指定", "周辺", "県内", "特例", "他", "各", "全", "本", "当", "同", "両", "大都")


def document_kind(title: str, header_labels: set[str]) -> str:
    """What the report is, from its title; a title that does not say is told by the columns."""
    for kind, pattern in _TITLE_DOC_RE:
        if pattern.search(title):
            return kind
    if header_labels & {"取組結果", "目標達成状況", "達成状況"}:  # the columns of a year-end report
        return workflow.ACHIEVEMENT_REPORT
    return workflow.DECLARATION


def read_heading(title_lines: list[str], header_labels: set[str], body_text: str, *, source: str,
                 author: str | None = None) -> Heading:
    """The facts above the table: fiscal year, kind of report, department and director."""
    title = next((line for line in title_lines if FY_LABEL_RE.search(nfkc(line))), None)
    if title is None:
        raise ParseError("no_title_above_table", source=source)
    norm_title = nfkc(title)
    label_m = FY_LABEL_RE.search(norm_title)
    label = re.sub(r"\s+", "", label_m.group(0))
    try:
        year = parse_fiscal_year(label)
    except ValueError as exc:
        raise ParseError("fiscal_year", source=source, part="title", label=label, detail=str(exc)) from None
    director_title = director_name = ""
    for line in title_lines:
        m = _DIRECTOR_RE.match(squeeze_digit_spaces(line.strip()))
        if m and line is not title:
            director_title, director_name = m.group("title"), m.group("name").strip()
            break
    if not director_title:
        m = _TITLE_DIRECTOR_RE.search(title)
        if m:
            director_title = m.group("title")
    if not director_title:
        raise ParseError("no_director", source=source, part="heading")
    department = director_title[:-1] if director_title.endswith("長") else director_title
    municipality = (_municipality_in_title(norm_title[:label_m.start()]) or _municipality_of_author(author)
                    or infer_municipality(body_text))
    return Heading(
        fiscal_year=year,
        fiscal_year_label=label if label else fiscal_year_label(year),
        document=document_kind(title, header_labels),
        department=department,
        director_title=director_title,
        director_name=director_name,
        municipality=municipality,
    )


def _municipality_in_title(before_year: str) -> str | None:
    m = re.search(r"([\u4e00-\u9fff]{1,6}[都道府県])?([\u4e00-\u9fff]{1,6}?[市町村区])\s*$", before_year.strip())
    return m.group(2) if m else None


def _municipality_of_author(author: str | None) -> str | None:
    """A document's author field names the city when the city published it (伊勢原市 …)."""
    if not author:
        return None
    first = nfkc(author).split()[0] if author.split() else ""
    return first if re.fullmatch(r"[\u4e00-\u9fff\u3040-\u30ff]{1,8}[都道府県]?[\u4e00-\u9fff\u3040-\u30ff]{0,8}[市町村区]", first) else None


def infer_municipality(text: str) -> str | None:
    """The city's name where the report uses it as part of a proper noun (伊勢原市男女共同参画プラン).

    Only 市 names are inferred from the body (町 and 村 also name neighbourhoods inside a
    city), and only a name that stands out: the longest suffix before 市 that recurs most."""
    counts: Counter[str] = Counter()
    norm = nfkc(text)
    for m in re.finditer(r"([\u4e00-\u9fff]+)市(?=[\u4e00-\u9fff\u30a0-\u30ff])", norm):
        run = m.group(1)
        for length in range(2, min(len(run), 5) + 1):
            counts[run[-length:] + "市"] += 1
    candidates = [(n, name) for name, n in counts.items()
                  if not name.startswith(_NOT_PLACE_PREFIX) and not name.endswith("都市")]
    if not candidates:
        return None
    best = max(n for n, _ in candidates)
    top = sorted((name for n, name in candidates if n == best), key=len, reverse=True)
    # Among equally frequent suffixes, the longest is the whole name (伊勢原市, not 勢原市)
    # unless a longer one only looks longer because of a word before it (第2次伊勢原市).
    longest = top[0]
    return longest if all(longest.endswith(other) for other in top) else None


# --- rows to the document ------------------------------------------------------------------

def to_report(table: ReportTable) -> dict:
    h = table.heading
    initiatives = []
    for row in table.rows:
        targets = assess(row.targets, row.achievement_status, row.results, fiscal_year=h.fiscal_year) \
            if h.document != workflow.DECLARATION else assess(row.targets, [], [], fiscal_year=h.fiscal_year)
        initiatives.append({
            "number": row.number,
            "title": row.title,
            "sections": row.sections,
            "content": row.content,
            "targets": targets,
            "results": row.results,
            "future_direction": row.future_direction,
            "achievement_status": row.achievement_status,
        })
    return normalise({
        "schema": SCHEMA,
        "municipality": h.municipality,
        "fiscal_year": h.fiscal_year,
        "fiscal_year_label": h.fiscal_year_label,
        "document": h.document,
        "department": h.department,
        "director": {"title": h.director_title, "name": h.director_name},
        "initiatives": initiatives,
    })


def provenance(table: ReportTable, source: str) -> dict[str, dict]:
    """JSON path of each value in ``to_report(table)`` → where it was read (file, page, cell, lines)."""
    out: dict[str, dict] = {}
    for i, row in enumerate(table.rows):
        base = f"$.initiatives[{i}]"
        for origin in row.origins.get("title", [])[:1]:
            out[f"{base}.title"] = origin.as_json(source)
        for name in CELL_FIELDS:
            for j, origin in enumerate(row.origins.get(name, [])):
                out[f"{base}.{name}[{j}]"] = origin.as_json(source)
    return out


def split_sections(text: str) -> tuple[str, list[str]]:
    """``地域コミュニティの推進（市民協働課）`` → title and its sections.

    The owning sections are the last parenthesised group; several are separated by 、.
    A ・ inside a name (人権・広聴相談課) is part of it."""
    text = text.strip()
    if not text.endswith(("）", ")")):
        return text, []
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            depth -= 1
            if depth == 0:
                inner = text[i + 1:-1]
                sections = [s.strip() for s in re.split(r"[、,，]", inner) if s.strip()]
                return text[:i].strip(), sections
    return text, []
