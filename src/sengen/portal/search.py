"""Public search: the words of a query, the published initiatives that contain them all, and
where in the published text each word occurs, one page at a time.

Search reads the public index (``declarations.publicindex``), which every publication rewrites,
never the live rows: a draft of the next phase is never found. Like ``portal.selectors``, what
it returns is all the search page gets.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.utils.functional import cached_property

from sengen.declarations import publicindex
from sengen.declarations.models import Municipality, Publication, PublicEntry
from sengen.declarations.selectors import public_document

from .search_filters import SearchFilters, narrow

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


LISTING = ("-fiscal_year", "municipality", "department", "position")  # the publicentry_listing index


def _search(query: str, filters: SearchFilters | None) -> tuple[QuerySet[PublicEntry], list[str]] | None:
    """The entries the index alone finds for ``query`` and ``filters`` (the candidates), and the
    words each must still be confirmed to contain; None when there is nothing to search for."""
    words = _words(search_terms(query))
    filters = filters or SearchFilters()
    if not words and not filters.active():
        return None
    candidates = narrow(PublicEntry.objects.all(), filters)
    postgres = connection.vendor == "postgresql"
    if postgres and words:
        candidates = candidates.filter(grams__ngrams=publicindex.tsquery_literal(words))
    # A word of one or two characters is itself one n-gram, and n-grams never span white space
    # (which ends each field): on PostgreSQL the index's answer is exact, no text need be read.
    confirm = [word for word in words if not postgres or len(word) > 2]
    return candidates, confirm


def _confirmed(entries: QuerySet[PublicEntry], words: list[str]) -> QuerySet[PublicEntry]:
    for word in words:
        entries = entries.filter(text__contains=word)
    return entries


def search_public(*, query: str, filters: SearchFilters | None = None) -> QuerySet[PublicEntry]:
    """Initiatives as published (``PublicEntry``: the latest publication of each declaration,
    never a draft of the next phase), any year, whose title, sections, content, targets,
    results, future direction, achievement status, department, city or year contain every word
    of ``query``, narrowed by ``filters`` (``search_filters``: year, department, evaluation,
    grade, kind of target, future direction); newest year first. With filters, an empty query
    lists every initiative they let through. Each word is a substring (Japanese has no spaces
    between words, so 公民 must find 公民館), compared after NFKC and lower-casing on both sides.

    On PostgreSQL the words' character bigrams (a one-character word: the character) are looked
    up in the GIN-indexed n-grams first, and the substrings confirmed on those candidates; on
    SQLite (one city's data) the text is scanned. The values go to the database as parameters:
    the n-grams as quoted tsquery lexemes, the substrings through LIKE with its wildcards
    escaped. This is the selector the search page and the public API share."""
    found = _search(query, filters)
    if found is None:
        return PublicEntry.objects.none()
    candidates, confirm = found
    # Only the listing's columns travel to be sorted: the text and n-grams (and the publication's
    # document, fetched for one page afterwards) would make sorting tens of thousands of
    # candidates of a common long word twice as slow.
    return _confirmed(candidates, confirm).defer("text", "grams", "facets").order_by(*LISTING)


# Reading hits in the listing's order (its index, newest year first) and checking each row as it
# comes stops at the page's last hit: for a common word (公民館, one initiative in twenty) the first
# page reads a few hundred rows at any scale. The planner cannot know a word is common (it
# multiplies the selectivities of the word's bigrams, so 公民 & 民館 looks a hundred times rarer
# than it is) and instead collects and sorts every hit. Each row walked costs its n-grams' check
# (10-25 µs measured at scale 0.3, more for a longer word), so the walk is taken only when it
# reads at most this many rows: a rarer word (シティプロモーション 移住) read 17,000 rows at
# 20,000 and was six times slower than sorting its few hundred hits.
WALK_ROWS = 3_000


class CappedPaginator(Paginator):
    """Counts at most ``SEARCH_COUNT_CAP`` hits (``capped`` says there were more), so a very
    common word costs no more than a rare one; on PostgreSQL, reads a page of a common word along
    the listing's index (``WALK_ROWS``)."""

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

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:  # as Paginator.page
            top = self.count
        if not self._walk(top):
            return self._get_page(self.object_list[bottom:top], number, self)
        with _along_the_listing():
            entries = list(self.object_list[bottom:top])
        return self._get_page(entries, number, self)

    def _walk(self, top: int) -> bool:
        """Whether reading the listing's index up to hit ``top`` reads at most ``WALK_ROWS`` rows,
        the hits being spread evenly: ``top`` × rows ÷ hits. A capped count says only that there
        are more hits than the cap (in a country's 1.3 million initiatives, more than one in
        1,300), so then the first ``PROBE_ROWS`` rows of the listing are read and their hits
        counted: 公民館 has about twenty there."""
        if connection.vendor != "postgresql" or self.in_listing_order or not self.count:
            return False  # the planner already walks the listing for an index-exact query
        if self.capped:
            first = PublicEntry.objects.order_by(*LISTING).values("pk")[:PROBE_ROWS]
            with _along_the_listing():
                found = self.object_list.filter(pk__in=first).order_by().count()
            return bool(found) and top * PROBE_ROWS / found <= WALK_ROWS
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                           [PublicEntry._meta.db_table])
            row = cursor.fetchone()
        rows = max(row[0] if row else 0, 0)
        return top * rows / self.count <= WALK_ROWS


PROBE_ROWS = 400


@contextmanager
def _along_the_listing():
    """Only for this transaction: GIN answers only bitmap scans, so with those (and the
    sequential scan) off the one way left to rows in the listing's order is its index."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        yield


def search_page(*, query: str, page: str | int | None, per_page: int,
                filters: SearchFilters | None = None) -> dict[str, Any]:
    """One page of ``search_public``: ``{"terms", "page", "count", "capped", "page_range",
    "several_cities", "searched", "results": [{"initiative": PublicEntry, "snippets": [...]}]}``;
    ``page`` is None when there is neither a word nor a filter (``searched`` False)."""
    terms = search_terms(query)
    found = _search(query, filters)
    if found is None:
        return {"terms": [], "page": None, "count": 0, "capped": False, "page_range": [], "results": [],
                "several_cities": False, "searched": False}
    confirm = found[1]
    words = _words(terms)
    paginator = CappedPaginator(search_public(query=query, filters=filters), per_page, in_listing_order=not confirm)
    found_page = paginator.get_page(page)
    entries = list(found_page.object_list)
    # The published documents of this page only (their interim figures are not shown here).
    prefetch_related_objects(entries, Prefetch("publication", queryset=Publication.objects.defer("progress")))
    return {
        "terms": terms, "page": found_page, "count": paginator.count, "capped": paginator.capped,
        "page_range": list(paginator.get_elided_page_range(found_page.number, on_each_side=2, on_ends=1)),
        "ellipsis": Paginator.ELLIPSIS, "searched": True,
        "results": [{"initiative": e, "snippets": search_snippets(e, terms) if words else []} for e in entries],
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
            folded = publicindex.fold_for_search(text)
            if not any(n in folded for n in needles):  # most texts of a hit: skip the offsets' work
                continue
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
