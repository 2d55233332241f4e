"""The lines above a form's table → fiscal year, unit, director, municipality and date.

The layout's title and declarer templates become patterns, each placeholder a named group; what a
group matched is kept as the file prints it. A title worded otherwise than the form's still gives
the first fiscal year printed; nothing else is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sengen.core import workflow
from sengen.core.eras import nfkc, parse_fiscal_year
from sengen.core.forms import Layout
from sengen.core.forms.model import PLACEHOLDER_RE

from .errors import ParseError
from .formed_table import FormedTable, Line
from .table import FY_LABEL_RE


def template_patterns(template: str) -> tuple[re.Pattern, re.Pattern]:
    """The template as printed (a space is one or more), then loosely (a space may be lost)."""
    return template_pattern(template, strict=True), template_pattern(template, strict=False)


def first_match(patterns: tuple[re.Pattern, ...], text: str) -> re.Match | None:
    """The first of ``patterns`` (strict before loose) that matches ``text``."""
    for pattern in patterns:
        m = pattern.match(text)
        if m:
            return m
    return None


def template_pattern(template: str, strict: bool = False) -> re.Pattern:
    """A title or declarer template as a pattern: each placeholder a named group."""
    out, pos = [], 0
    space = r"\s+" if strict else r"\s*"
    lazy = {"director_name": r".+", "fiscal_year_label": r"(?:明治|大正|昭和|平成|令和)\s*(?:元|\d{1,2})\s*年\s*度"
            r"|\d{4}\s*年\s*度"}
    seen: set[str] = set()
    for m in PLACEHOLDER_RE.finditer(template):
        out.append(literal_pattern(template[pos:m.start()], space))
        name = m.group(1)
        body = lazy.get(name, r"\S+?")
        out.append(f"(?P<{name}>{body})" if name not in seen else r"\S*?")
        seen.add(name)
        pos = m.end()
    out.append(literal_pattern(template[pos:], space))
    return re.compile(r"^\s*" + "".join(out) + r"\s*$")


def literal_pattern(text: str, space: str = r"\s*") -> str:
    """``text`` matched character for character (NFKC), white space allowed between any two; a
    space in ``text`` is ``space``."""
    return "".join(space if ch.isspace() else r"\s*" + re.escape(ch) for ch in nfkc(text))


_DATE_RE = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")


def _as_written(raw: str, norm: str, m: re.Match, group) -> str | None:
    """The text of ``m``'s ``group`` as the file prints it (令和６年度 stays full-width: text people
    wrote is not rewritten), matched on the NFKC form; without whitespace, as a label is kept."""
    if isinstance(group, str) and group not in m.groupdict() or m.group(group) is None:
        return None
    # NFKC keeps full-width digits and letters one character each; where it changed the length
    # (a ligature, a composed mark) the positions differ and the normalised text is what there is.
    text = raw[m.start(group):m.end(group)] if len(raw) == len(norm) else m.group(group)
    return re.sub(r"\s+", "", text) or None


@dataclass
class FormHeading:
    """What the lines above a form's table say of the report."""

    fiscal_year: int | None = None
    fiscal_year_label: str | None = None
    unit: str | None = None
    director_title: str = ""
    director_name: str = ""
    municipality: str | None = None
    declared_on: str | None = None


def read_form_heading(table: FormedTable, lines: list[Line], source: str) -> FormHeading:
    """What the lines above the table say by the layout's title and declarer templates (and the
    date after its label); a refusal where no fiscal year or no director can be read."""
    layout = table.layout
    h = FormHeading()
    title_re = title_patterns(layout)
    declarer_re = template_patterns(layout.declarer)
    for text, _ in lines:
        raw = text.strip()
        norm = nfkc(raw)
        if h.fiscal_year_label is None:
            m = first_match(title_re, norm)
            if m:
                h.fiscal_year_label = _as_written(raw, norm, m, "fiscal_year_label")
                h.director_title = _as_written(raw, norm, m, "director_title") or h.director_title
                h.unit = _as_written(raw, norm, m, "unit") or h.unit
                h.municipality = _as_written(raw, norm, m, "municipality") or h.municipality
                continue
        if not h.director_name:
            m = first_match(declarer_re, norm)
            if m and (m.groupdict().get("director_title") or m.groupdict().get("director_name")):
                h.director_title = _as_written(raw, norm, m, "director_title") or h.director_title
                # A name keeps its inner space (山田 一郎); only its ends are trimmed.
                name = m.group("director_name") if "director_name" in m.groupdict() else None
                if name is not None and len(raw) == len(norm):
                    name = raw[m.start("director_name"):m.end("director_name")]
                h.director_name = (name or "").strip()
                h.unit = _as_written(raw, norm, m, "unit") or h.unit
                continue
        if layout.declared_on_label and h.declared_on is None and norm.startswith(nfkc(layout.declared_on_label)):
            m = _DATE_RE.search(norm)
            if m:
                h.declared_on = f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    if h.fiscal_year_label is None:
        # A title worded otherwise than the form's: its fiscal year is still the first one printed.
        for text, _ in lines:
            raw = text.strip()
            m = FY_LABEL_RE.search(nfkc(raw))
            if m:
                h.fiscal_year_label = _as_written(raw, nfkc(raw), m, 0)
                break
    if h.fiscal_year_label is None:
        raise ParseError("no_title_above_table", source=source)
    try:
        h.fiscal_year = parse_fiscal_year(nfkc(h.fiscal_year_label))
    except ValueError as exc:
        raise ParseError("fiscal_year", source=source, part="title", label=h.fiscal_year_label,
                         detail=str(exc)) from None
    if not h.director_title and h.unit:
        h.director_title = f"{h.unit}長"
    if not h.director_title:
        raise ParseError("no_director", source=source, part="heading")
    return h


def title_patterns(layout: Layout) -> tuple[re.Pattern, re.Pattern]:
    """The layout's title template with its document's name filled in, as patterns."""
    name = layout.document_name or workflow.DOCUMENT_NAMES.get(layout.document, "")
    return template_patterns(layout.title.replace("{document_name}", name))
