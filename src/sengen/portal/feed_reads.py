"""What the public feeds read: the publications and corrections citizens may follow.

A ``Publication`` row is written only when a report is published or corrected, so its rows are
published material by construction; they are still narrowed to ``Declaration.objects.public()``
so that whatever ever takes a report off the public pages takes it out of the feeds as well.
Kept apart from ``portal.selectors`` (the pages' reads), which is long enough."""

from __future__ import annotations

from django.db.models import QuerySet

from sengen.declarations.models import Declaration, Municipality, Publication

# A feed reader polls; 50 entries cover years of a city's publications while the answer stays
# a few kilobytes and one query whatever the size of the database.
FEED_ENTRIES = 50


class FeedNotFound(Exception):
    """The feed asked for has nothing public to follow (an unknown department or city)."""


def _publications(*, municipality: str | None, department: str | None) -> QuerySet[Publication]:
    qs = Publication.objects.filter(declaration__in=Declaration.objects.public())
    if municipality is not None:
        qs = qs.filter(declaration__department__municipality__name=municipality)
    if department is not None:
        qs = qs.filter(declaration__department__name=department)
    return qs


def publications_for_feed(*, municipality: str | None = None, department: str | None = None,
                          limit: int | None = None) -> list[Publication]:
    """The newest ``limit`` (``FEED_ENTRIES``) publications and corrections, newest first, of the whole site, or of
    one city (``municipality``) and/or one department (by name, in every city that has it unless
    ``municipality`` says which). ``FeedNotFound`` for a department or city with nothing public,
    so that a mistyped feed URL answers 404 rather than an empty feed forever."""
    qs = _publications(municipality=municipality, department=department)
    limit = FEED_ENTRIES if limit is None else limit
    found = list(qs.select_related("declaration__department__municipality", "declaration__fiscal_year")
                 # The document is the whole report; an entry needs only its names and dates.
                 .defer("document", "progress")
                 .order_by("-published_at", "-id")[:limit])
    if not found and (municipality is not None or department is not None):
        where = f"{municipality}の" if municipality else ""
        what = f"「{department}」" if department else ""
        raise FeedNotFound(f"{where}{what}公開された目標宣言・報告はありません")
    return found


def several_cities() -> bool:
    """Whether reports of more than one city are public: their links and titles then name the city."""
    public = Declaration.objects.public()
    return Municipality.objects.filter(departments__declarations__in=public).distinct()[:2].count() > 1
