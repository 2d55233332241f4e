"""Public search: the words of a query, the published initiatives that contain them all, and
where in the published text each word occurs, one page at a time.

Search reads the public index (``declarations.publicindex``), which every publication rewrites,
never the live rows: a draft of the next phase is never found. Like ``portal.selectors``, what
it returns is all the search page gets.
"""

from __future__ import annotations

import re
import time
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
        frequencies = _common_grams()
        lexemes = [g for word in words for g in index_grams(publicindex.query_grams(word), frequencies)]
        candidates = candidates.filter(grams__ngrams=publicindex.tsquery_lexemes(lexemes))
    # A word of one or two characters is itself one n-gram, and n-grams never span white space
    # (which ends each field): on PostgreSQL the index's answer is exact, no text need be read.
    confirm = [word for word in words if not postgres or len(word) > 2]
    return candidates, confirm


def index_grams(grams: list[str], common: dict[str, float]) -> list[str]:
    """Which of a word's n-grams to look up in the GIN index, ``common`` being the share of rows
    each of the commonest n-grams is in (the database's statistics): every n-gram the statistics
    do not list (each rarer than any they list), and known common ones only until there are two.
    Each n-gram looked up costs its whole list of rows (7-17 ms for 65,000 at full national
    scale): マイナンバーカード's eight, each in one initiative in twenty, took 28 ms where two of
    them find the same rows. Dropping n-grams can only add candidates, and every candidate of a
    word of three characters or more is confirmed in its text, so what is found is the same."""
    if len(grams) <= 2:
        return grams
    keep = [g for g in grams if g not in common]
    known = sorted((g for g in grams if g in common), key=lambda g: (common[g], g))
    return keep + known[:max(0, 2 - len(keep))]


# The statistics ANALYZE keeps of the n-grams (pg_stats.most_common_elems), read once in a while
# per process: they change only as the index grows, and a stale list only costs speed.
_COMMON: dict[str, Any] = {"at": float("-inf"), "grams": {}}
COMMON_GRAMS_SECONDS = 600


def _common_grams() -> dict[str, float]:
    now = time.monotonic()
    if now - _COMMON["at"] > COMMON_GRAMS_SECONDS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                           "WHERE schemaname = current_schema() AND tablename = %s AND attname = 'grams'",
                           [PublicEntry._meta.db_table])
            row = cursor.fetchone()
        elements, freqs = (row or (None, None))
        _COMMON.update(at=now, grams=dict(zip(elements or [], freqs or [], strict=False)))
    return _COMMON["grams"]


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


# How a page of hits is read on PostgreSQL, cheapest first (each step bounded; measured at full
# national scale, 1.3 million initiatives, in docs/benchmarks-load.md):
# 1. The head: the listing's first HEAD_ROWS rows in its order (its index, newest year first),
#    each checked by a substring match of its text, which the row holds inline (4-6 ms). Hits
#    among them are the first hits overall: when they fill the page, the page is exact, with no
#    estimate of how common the word is (公民館, one initiative in twenty).
# 2. The walk: where the head's share of hits says WALK_ROWS rows hold the hits wanted (防災, one
#    in ten: more than the cap), reading on that far (10-25 ms). A share that thins out costs at
#    most those rows.
# 3. The GIN n-grams' candidates, confirmed in their text, unordered so that the database stops
#    at the cap's next hit, then sorted (20-50 ms): fewer hits than the cap are then every hit,
#    in order, and the page is cut from them. Only a deep page of a word with more hits than the
#    cap, too rare for the walk, is left to the database to sort.
# Checking the n-grams row by row instead would read each row's tsvector, stored apart (TOAST):
# 10-25 µs a row against the substring's 1-2 µs. Before, the planner chose between sorting every
# hit and walking the listing's index from estimates it cannot make for a word (it multiplies the
# selectivities of the word's bigrams): マイナンバーカード sorted all its 65,000 hits, 200-400 ms.
HEAD_ROWS = 3_000
WALK_ROWS = 20_000
# A share of hits in the head is trusted from this many hits (a third either way, as chance goes):
# a few hits of a rarer pair of words (シティプロモーション 移住, 3-9 in the head, one in 900
# overall) sent the walk through all its rows for a page the index's candidates give sooner.
TRUSTED_SHARE = 10


class CappedPaginator(Paginator):
    """Counts at most ``SEARCH_COUNT_CAP`` hits (``capped`` says there were more), so a very
    common word costs no more than a rare one; on PostgreSQL reads the count and the page as the
    steps above say, from ``head`` (the hits among the listing's first rows) where it can."""

    capped = False

    def __init__(self, object_list, per_page, *, head: Head | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.head = head

    @cached_property
    def count(self) -> int:
        head = self.head
        if head is None:  # SQLite: one city's rows, scanned
            found = self.object_list[:SEARCH_COUNT_CAP + 1].count()
        else:
            head.walk(SEARCH_COUNT_CAP + 1)
            if head.complete or len(head.ids) > SEARCH_COUNT_CAP:
                found = len(head.ids)  # every hit is in the head, or more than the cap already are
            elif len(head.ids) >= TRUSTED_SHARE:
                # Common enough that its hits most likely pass the cap: counted only, not listed
                # and sorted (the page comes from the head, or from _hits after all if not).
                found = self.object_list.order_by()[:SEARCH_COUNT_CAP + 1].count()
            else:
                found = len(self._hits)
        self.capped = found > SEARCH_COUNT_CAP
        return min(found, SEARCH_COUNT_CAP)

    @cached_property
    def _hits(self) -> list[int]:
        """Up to the cap's next hit from the GIN candidates (unordered, so the database stops
        there), sorted into the listing's order: when there are no more, every hit, in order."""
        hits = self.object_list.order_by().values("id", "fiscal_year", "municipality", "department", "position")
        hits_sql, params = hits[:SEARCH_COUNT_CAP + 1].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT h."id" FROM ({hits_sql}) AS h ORDER BY {_ORDER}', params)
            return [row[0] for row in cursor.fetchall()]

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:  # as Paginator.page
            top = self.count
        head = self.head
        if head is None:
            return self._get_page(self.object_list[bottom:top], number, self)
        if head.complete or len(head.ids) >= top:
            ids = head.ids[bottom:top]
        elif not self.capped:
            ids = self._hits[bottom:top]  # every hit, in order: the count read them
        else:
            head.walk(top)
            if len(head.ids) < top:  # too rare, or too deep a page, for the walk: sorted by the database
                return self._get_page(self.object_list[bottom:top], number, self)
            ids = head.ids[bottom:top]
        found = {entry.pk: entry for entry in self.object_list.model.objects.filter(pk__in=ids)
                 .defer("text", "grams", "facets")}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)


class Head:
    """The hits among the first rows of the listing that ``filters``' year and department let
    through, as ids in the listing's order: first among ``HEAD_ROWS`` rows (``complete`` when
    those were all there are: then they are every hit), then, where that pays, further."""

    def __init__(self, words: list[str], filters: SearchFilters):
        # The words and the filters' tokens as substrings of the row's text and facets: exactly
        # what the index's n-grams answer for (both are written from the same normalised text).
        self.condition = " AND ".join(['h."text" LIKE %s'] * len(words)
                                      + ['h."facets" LIKE %s'] * len(filters.tokens())) or "true"
        self.patterns = [f"%{_like(w)}%" for w in words] + [f"% {_like(t)} %" for t in filters.tokens()]
        self.rows = narrow(PublicEntry.objects.all(), SearchFilters(year=filters.year, department=filters.department))
        self.walked = False
        head_sql, head_params = self._rows(HEAD_ROWS)
        sql = (f"SELECT count(*), array_agg(h.\"id\" ORDER BY {_ORDER}) FILTER (WHERE {self.condition}) "
               f"FROM ({head_sql}) AS h")
        with _along_the_listing(), connection.cursor() as cursor:
            cursor.execute(sql, [*self.patterns, *head_params])  # in the order of their %s in the SQL
            rows_read, ids = cursor.fetchone()
        self.ids: list[int] = list(ids or [])
        self.complete = rows_read < HEAD_ROWS

    def _rows(self, limit: int) -> tuple[str, tuple]:
        rows = self.rows.order_by(*LISTING).values("id", "fiscal_year", "municipality", "department", "position",
                                                   "text", "facets")[:limit]
        return rows.query.sql_with_params()

    def walk(self, hits: int) -> None:
        """Read on to ``WALK_ROWS`` rows for the first ``hits`` hits, once, when the head's share
        of hits says they are there (a share that thins out costs at most those rows)."""
        if self.walked or self.complete or len(self.ids) >= hits:
            return
        if len(self.ids) < TRUSTED_SHARE or len(self.ids) * WALK_ROWS < hits * HEAD_ROWS:
            return  # too rare for the walk, or too few hits to tell: the index's candidates
        self.walked = True
        rows_sql, rows_params = self._rows(WALK_ROWS)
        sql = (f'SELECT h."id" FROM ({rows_sql}) AS h WHERE {self.condition} ORDER BY {_ORDER} LIMIT %s')
        with _along_the_listing(), connection.cursor() as cursor:
            cursor.execute(sql, [*rows_params, *self.patterns, hits])
            ids = [row[0] for row in cursor.fetchall()]
        if len(ids) > len(self.ids):
            self.ids = ids


_ORDER = 'h."fiscal_year" DESC, h."municipality", h."department", h."position"'  # LISTING's


def _like(value: str) -> str:
    """``value`` as a LIKE pattern matches it literally (PostgreSQL's escape is the backslash)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@contextmanager
def _along_the_listing():
    """Only for this transaction: with bitmap and sequential scans off, the one way left to the
    listing's first rows in its order is its index (the planner, not knowing how few rows a
    LIMIT inside a subquery reads, might otherwise sort the whole table)."""
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
    words = _words(terms)
    filters = filters or SearchFilters()
    head = Head(words, filters) if connection.vendor == "postgresql" else None
    paginator = CappedPaginator(search_public(query=query, filters=filters), per_page, head=head)
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
