"""Public search: the words of a query, the published initiatives that contain them all, and
where in the published text each word occurs, one page at a time.

Search reads the public index (``declarations.publicindex``), which every publication rewrites,
never the live rows: a draft of the next phase is never found. Like ``portal.selectors``, what
it returns is all the search page gets.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet, prefetch_related_objects
from django.utils.functional import cached_property

from sengen.declarations import publicindex
from sengen.declarations.models import Municipality, PublicEntry
from sengen.declarations.selectors import public_document

MAX_QUERY_LENGTH = 100
MAX_TERMS = 5
# A word in a tenth of a country's initiatives has 100,000 hits: counting them all, or letting
# anyone page to the last, costs a scan each time; nobody reads past the first pages.
SEARCH_COUNT_CAP = 1000


def search_terms(query: str) -> list[str]:
    """The words of a query: split on half- and full-width spaces, at most ``MAX_TERMS``."""
    query = (query or "")[:MAX_QUERY_LENGTH]
    seen, terms = set(), []
    for term in re.split(r"[\s\u3000]+", query.strip()):
        if term and term not in seen:
            seen.add(term)
            terms.append(term)
    return terms[:MAX_TERMS]


def _words(terms: list[str]) -> list[str]:
    """The words as the index holds text: NFKC, lower case (ＡＢＣ, abc and ABC are one word)."""
    words = []
    for term in terms:
        for word in publicindex.fold_for_search(term).split():  # NFKC may turn a character into spaces
            if word not in words:
                words.append(word)
    return words


def search_public(*, query: str) -> QuerySet[PublicEntry]:
    """Initiatives as published (``PublicEntry``: the latest publication of each declaration,
    never a draft of the next phase), any year, whose title, sections, content, targets,
    results, future direction, achievement status, department, city or year contain every word
    of ``query``; newest year first. Each word is a substring (Japanese has no spaces between
    words, so 公民 must find 公民館), compared after NFKC and lower-casing on both sides.

    On PostgreSQL the words' character bigrams (a one-character word: the character) are looked
    up in the GIN-indexed n-grams first, and the substrings confirmed on those candidates; on
    SQLite (one city's data) the text is scanned. The values go to the database as parameters:
    the n-grams as quoted tsquery lexemes, the substrings through LIKE with its wildcards
    escaped."""
    words = _words(search_terms(query))
    if not words:
        return PublicEntry.objects.none()
    qs = PublicEntry.objects.all()
    postgres = connection.vendor == "postgresql"
    if postgres:
        qs = qs.filter(grams__ngrams=publicindex.tsquery_literal(words))
    for word in words:
        # A word of one or two characters is itself one n-gram, and n-grams never span white
        # space (which ends each field): the index's answer is exact, no text need be read.
        if not postgres or len(word) > 2:
            qs = qs.filter(text__contains=word)
    # Only the listing's columns travel to be sorted: the text and n-grams (and the publication's
    # document, fetched for one page afterwards) would make sorting tens of thousands of
    # candidates of a common long word twice as slow.
    return qs.defer("text", "grams").order_by("-fiscal_year", "municipality", "department", "position")


class CappedPaginator(Paginator):
    """Counts at most ``SEARCH_COUNT_CAP`` hits (``capped`` says there were more), so a very
    common word costs no more than a rare one."""

    capped = False

    def __init__(self, object_list, per_page, *, in_listing_order: bool = True, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.in_listing_order = in_listing_order

    @cached_property
    def count(self) -> int:
        # Where every hit has to be confirmed in its text (words of three characters or more),
        # the database stops at the cap sooner without ordering them; where the index alone
        # answers, it counts fastest along the listing's index.
        hits = self.object_list if self.in_listing_order else self.object_list.order_by()
        found = hits[:SEARCH_COUNT_CAP + 1].count()
        self.capped = found > SEARCH_COUNT_CAP
        return min(found, SEARCH_COUNT_CAP)


def search_page(*, query: str, page: str | int | None, per_page: int) -> dict[str, Any]:
    """One page of ``search_public``: ``{"terms", "page", "count", "capped", "page_range",
    "several_cities", "results": [{"initiative": PublicEntry, "snippets": [...]}]}``; ``page``
    is None when the query has no word."""
    terms = search_terms(query)
    if not terms:
        return {"terms": [], "page": None, "count": 0, "capped": False, "page_range": [], "results": [],
                "several_cities": False}
    paginator = CappedPaginator(search_public(query=query), per_page,
                                in_listing_order=all(len(word) <= 2 for word in _words(terms)))
    found = paginator.get_page(page)
    entries = list(found.object_list)
    prefetch_related_objects(entries, "publication")  # the published documents of this page only
    return {
        "terms": terms, "page": found, "count": paginator.count, "capped": paginator.capped,
        "page_range": list(paginator.get_elided_page_range(found.number, on_each_side=2, on_ends=1)),
        "ellipsis": Paginator.ELLIPSIS,
        "results": [{"initiative": e, "snippets": search_snippets(e, terms)} for e in entries],
        # A department's name is the same in many cities: links and hits then name the city.
        "several_cities": Municipality.objects.count() > 1,
    }


def _published_item(entry: PublicEntry) -> dict[str, Any]:
    if entry.publication_id is not None:
        document = entry.publication.document
    else:  # published before publication records existed: its live rows are what is public
        document = public_document(declaration=entry.declaration) or {"initiatives": []}
    # The entry's position in the document it was indexed from: an unnumbered item (number null,
    # sengen.report/2) has no number to look for, and several share "None".
    initiatives = document["initiatives"]
    if 0 <= entry.position < len(initiatives) and initiatives[entry.position].get("number") == entry.number:
        return initiatives[entry.position]
    return next((i for i in initiatives if entry.number is not None and i["number"] == entry.number), {})


def _normalised_with_offsets(text: str) -> tuple[str, list[int]]:
    """``text`` normalised as the index is, and for each of its characters the index of the
    character of ``text`` it came from (NFKC can make one character several: ㍻ → 平成)."""
    out, offsets = [], []
    for index, ch in enumerate(text):
        normal = publicindex.fold_for_search(ch)
        out.append(normal)
        offsets.extend([index] * len(normal))
    return "".join(out), offsets


def search_snippets(entry: PublicEntry, terms: list[str], *, width: int = 40) -> list[dict[str, str]]:
    """Where the words occur in the published text, for showing a hit: ``[{"field": "results",
    "before", "match", "after"}]``, at most one snippet per field. The text is shown as the
    city wrote it (full-width digits and all) though matched normalised. Plain strings: the
    template escapes them."""
    item = _published_item(entry)
    fields = [("title", [item.get("title", entry.title)]), ("content", item.get("content", [])),
              ("targets", [t.get("text", "") for t in item.get("targets", [])]),
              ("results", item.get("results", [])), ("future_direction", item.get("future_direction", [])),
              ("achievement_status", item.get("achievement_status", []))]
    needles = sorted(_words(terms), key=len, reverse=True)
    snippets = []
    for name, texts in fields:
        for text in texts:
            normal, offsets = _normalised_with_offsets(text)
            hits = [(normal.find(n), n) for n in needles if n in normal]
            if not hits:
                continue
            at, needle = min(hits)
            start, end = offsets[at], offsets[at + len(needle) - 1] + 1
            snippets.append({
                "field": name,
                "before": ("…" if start > width else "") + text[max(0, start - width):start],
                "match": text[start:end],
                "after": text[end:end + width] + ("…" if end + width < len(text) else ""),
            })
            break
    return snippets
