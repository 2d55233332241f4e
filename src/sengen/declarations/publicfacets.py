"""What the public search narrows by, besides year and department: each published initiative's
evaluations, grades, kinds of target and future-direction category, as tokens of its
``PublicEntry`` (``evaluation:achieved kind:milestone grade:a direction:継続``).

The tokens are written beside the text in the same transaction as the publication, so a filter
never reads a draft. On SQLite they are matched in ``PublicEntry.facets`` (a space on each side
of every token); on PostgreSQL they are also lexemes of the entry's GIN-indexed n-grams, so a
filter and a query's words are one index lookup. A token is at least eight characters and a
query's n-grams at most two, so neither is ever taken for the other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sengen.core.report import EVALUATIONS
from sengen.core.targets import KINDS

# The future-direction categories (models.FutureDirection), repeated here so that this module
# stays free of the models: tests/declarations/test_public_facets.py checks they agree.
DIRECTIONS = ("拡充", "継続", "改善", "統合", "縮小", "休止・廃止", "完了")
MAX_VALUE = 50  # a grade code or label is at most 50 characters (core.limits)
_SPACE = re.compile(r"\s+")


def token_value(value: str) -> str:
    """A value as a token holds it: NFKC, lower case, white space as ``_``, at most 50
    characters (a grade ``Ａ`` and ``a`` are one grade; a token never holds a space)."""
    from .publicindex import fold_for_search

    return _SPACE.sub("_", fold_for_search(value).strip())[:MAX_VALUE]


def token(name: str, value: str) -> str:
    return f"{name}:{token_value(value)}"


def target_kind(target: dict[str, Any]) -> str:
    """A published target's kind (core.targets.KINDS) from what the document says of it: a
    figure (or a relative change) is numeric; a due date without a figure is a milestone; else
    qualitative. The document carries no kind of its own, and the index reads only documents."""
    if target.get("metric") or target.get("relative"):
        return "numeric"
    if target.get("due"):
        return "milestone"
    return "qualitative"


def entry_tokens(item: dict[str, Any], *, evaluations: Iterable[str | None], category: str = "") -> list[str]:
    """The tokens of one initiative of a published document: the evaluation of each target as
    the year page counts it (``evaluations``, an initiative grade standing for its unjudged
    targets), every target's kind, the grade codes of the initiative and its targets, and its
    future-direction category (``""`` when none is published)."""
    targets = item.get("targets") or []
    found = {token("evaluation", e if e in EVALUATIONS else "not_evaluated") for e in evaluations}
    found |= {token("kind", target_kind(t)) for t in targets}
    found |= {token("grade", g) for g in item_grades(item) if token_value(g)}
    if category in DIRECTIONS:
        found.add(token("direction", category))
    return sorted(found)


def item_grades(item: dict[str, Any]) -> list[str]:
    """The grades of one initiative of a published document, as the city wrote them: its own and
    its targets' (each a ``grade`` token; the static search shows them as written)."""
    grades = [item.get("grade"), *(t.get("grade") for t in item.get("targets") or [])]
    return [g for g in grades if g]


def facets_text(tokens: Iterable[str]) -> str:
    """``" evaluation:achieved kind:numeric "``: a space on each side of each token, so that
    ``LIKE '% kind:numeric %'`` matches whole tokens only."""
    tokens = list(tokens)
    return " " + " ".join(tokens) + " " if tokens else ""


def facets_values(facets: str) -> dict[str, list[str]]:
    """An entry's ``facets`` (``facets_text``) back by filter name: ``{"evaluation": ["achieved"],
    "grade": ["a"], …}``, each value as its token holds it (``token_value``)."""
    out: dict[str, list[str]] = {}
    for one in facets.split():
        name, _sep, value = one.partition(":")
        if value:
            out.setdefault(name, []).append(value)
    return out


__all__ = ["DIRECTIONS", "EVALUATIONS", "KINDS", "entry_tokens", "facets_text", "facets_values", "item_grades",
           "target_kind", "token", "token_value"]
