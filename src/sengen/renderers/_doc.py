"""Reading a ``sengen.report/1`` dict the way every renderer needs it.

The renderers take documents from the parser, the database and uploads, so they read
defensively: a missing optional key, ``None`` where a list belongs or a stray control
character must not stop the city from printing its table. Validation proper is
``sengen.core.report.normalise``'s job; here we only avoid crashing and keep text intact.
"""

from __future__ import annotations

import re
from typing import Any

from sengen.core import opendata, workflow

# The heading names the programme, then the report within it: 目標宣言, 目標宣言 中間報告,
# 目標宣言 達成状況報告.
_PROGRAMME = workflow.DOCUMENT_NAMES[workflow.DECLARATION]
KIND_LABELS = {
    phase: name if phase == workflow.DECLARATION else f"{_PROGRAMME} {name}"
    for phase, name in workflow.DOCUMENT_NAMES.items()
}

# Japanese words for the spec's evaluation codes (core.opendata, which sengen's CSV reader shares).
EVALUATION_LABELS = opendata.EVALUATION_LABELS

# C0 controls other than tab/LF/CR are not allowed in HTML or XML (XLSX) and no person
# types them; lone surrogates (legal in JSON, illegal in UTF-8) would make encoding fail.
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def clean(value: Any) -> str:
    """Text as written, minus characters no output format can carry."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return _CONTROL_RE.sub(lambda m: "" if m.group() < "\ud800" else "\ufffd", text)


def texts(value: Any) -> list[str]:
    """A list-of-strings field; tolerates ``None`` and a bare string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [clean(value)]
    if isinstance(value, list | tuple):
        return [clean(v) for v in value if v is not None]
    return [clean(value)]


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[dict]:
    if not isinstance(value, list | tuple):
        return []
    return [v for v in value if isinstance(v, dict)]


def initiatives(doc: dict) -> list[dict]:
    return items(doc.get("initiatives"))


def targets(initiative: dict) -> list[dict]:
    return items(initiative.get("targets"))


def is_declaration(doc: dict) -> bool:
    """A declaration is printed before there are results: four columns, not six."""
    return doc.get("document") == workflow.DECLARATION


def fiscal_year_label(doc: dict) -> str:
    label = clean(doc.get("fiscal_year_label")).strip()
    if label:
        return label
    year = doc.get("fiscal_year")
    if isinstance(year, int) and not isinstance(year, bool) and year >= 1989:
        from sengen.core.eras import fiscal_year_label as era_label

        return era_label(year)
    return f"{clean(year)}年度" if year is not None else ""


def director(doc: dict) -> tuple[str, str]:
    d = mapping(doc.get("director"))
    title = clean(d.get("title")).strip()
    if not title:
        # Older documents name only the department; its director is the 部長.
        dept = clean(doc.get("department")).strip()
        title = f"{dept}長" if dept else ""
    return title, clean(d.get("name")).strip()


def title(doc: dict) -> str:
    """``平成29年度 市民生活部長の目標宣言 達成状況報告``, the official heading."""
    kind = KIND_LABELS.get(doc.get("document"), KIND_LABELS[workflow.ACHIEVEMENT_REPORT])
    who, _ = director(doc)
    head = " ".join(p for p in (fiscal_year_label(doc), who) if p)
    return f"{head}の{kind}" if head else kind


def director_line(doc: dict) -> str:
    return " ".join(p for p in director(doc) if p)


def number(value: Any) -> int | float | None:
    """A real number we may write as a number; anything else (text, bool) is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return int(value)
    return value
