"""Atom feeds of what the city publishes and corrects, for people who follow it in a feed reader:
the whole site (``?municipality=`` narrows it to one city when several are stored, as on the
year pages) and one department. One entry per ``Publication`` row — a publication or a
correction — newest first, at most ``feed_reads.FEED_ENTRIES``.

Everything in an entry is what staff typed (department names, correction reasons), so every text
goes out as Atom ``type="text"``: the framework escapes it once for XML, and a reader shows it as
written. Django's ``Atom1Feed`` marks an entry's summary ``type="html"``, which would make a
reader render a reason such as ``<img src=x onerror=…>`` as markup; ``PlainTextAtomFeed`` writes
it as text ``<content>`` instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sengen.declarations.models import Publication
from sengen.declarations.workflow import Phase

from . import feed_reads, labels

# A correction's reason is one line (textlimits.line) already; the feed bounds it again so an
# entry stays a summary whatever an older row holds.
REASON_CHARS = 200


class PlainTextAtomFeed(Atom1Feed):
    """Atom 1.0 whose entry text is ``<content type="text">`` rather than an HTML summary."""

    def add_item_elements(self, handler, item):
        text = item["description"]
        super().add_item_elements(handler, {**item, "description": None})
        if text is not None:
            handler.addQuickElement("content", text, {"type": "text"})


@dataclass(frozen=True)
class Entry:
    title: str
    link: str
    guid: str
    text: str
    author: str
    published_at: datetime


@dataclass(frozen=True)
class Followed:
    """One feed as asked for: its words and its entries, worked out per request (a ``Feed`` is
    one object shared by every request, so nothing request-bound is kept on it)."""

    title: str
    subtitle: str
    link: str
    self_url: str
    author: str
    # The feed's own id: its absolute URL, so that the site's feed, a city's and a
    # department's, which all link to the index, are still three feeds.
    guid: str
    entries: list[Entry] = field(default_factory=list)


def site_feed_title(municipality: str | None = None) -> str:
    if municipality:
        return _("%(city)s 部長の目標宣言と達成状況：公開と訂正") % {"city": municipality}
    return _("部長の目標宣言と達成状況：公開と訂正")


def department_feed_title(department: str) -> str:
    return _("%(department)sの目標宣言と報告：公開と訂正") % {"department": department}


def _query(municipality: str | None) -> str:
    return f"?municipality={quote(municipality)}" if municipality else ""


def _entry(request, publication: Publication, *, name_city: bool, link_city: bool) -> Entry:
    declaration = publication.declaration
    city = str(declaration.department.municipality)
    department = declaration.department.name
    year = declaration.fiscal_year.year
    report = " ".join([*([city] if name_city else []), labels.year_label(year), department,
                       str(Phase(publication.phase).label) if publication.phase in Phase.values
                       else publication.phase])
    names = {"city": city, "department": department, "report": report}
    if publication.reason:
        title = _("%(report)s（訂正）") % names
        text = _("%(city)sは「%(report)s」を訂正しました。訂正理由：%(reason)s") % {
            **names, "reason": Truncator(publication.reason).chars(REASON_CHARS)}
    else:
        title = report
        text = _("%(city)sは「%(report)s」を公開しました。") % names
    page = reverse("portal:report", args=[year, department])
    link = page + (_query(declaration.department.municipality.name) if link_city else "")
    return Entry(title=title, link=link, text=text, author=city, published_at=publication.published_at,
                 # Every publication of a report has the report's page as its link; the id tells
                 # them apart by the row, and leaves out the link's ?municipality= so that it stays
                 # the same when a second city is added.
                 guid=request.build_absolute_uri(f"{page}#publication-{publication.pk}"))


def _read(name: str):
    """A hook of the syndication framework that reads ``name`` off what it is given (the feed's
    ``Followed`` or an ``Entry``): the framework calls a two-argument method with that object."""
    def hook(self, obj):
        return getattr(obj, name)
    hook.__name__ = f"read_{name}"
    return hook


class _PublicationsFeed(Feed):
    feed_type = PlainTextAtomFeed

    def followed(self, request, *, municipality: str | None, department: str | None) -> Followed:
        raise NotImplementedError

    def get_object(self, request, department: str | None = None) -> Followed:
        municipality = request.GET.get("municipality") or None
        try:
            publications = feed_reads.publications_for_feed(municipality=municipality, department=department)
        except feed_reads.FeedNotFound as error:
            raise Http404(str(error)) from None
        followed = self.followed(request, municipality=municipality, department=department)
        # With several cities a report's page needs its city (a department's name may be in
        # both), and a title names the city unless the feed is already one city's.
        several = feed_reads.several_cities()
        followed.entries.extend(_entry(request, p, name_city=several and municipality is None, link_city=several)
                                for p in publications)
        return followed

    # The framework's hooks, each read from the per-request ``Followed`` or from an ``Entry``.
    # (Atom titles are text: unlike RSS, Feed's default, they must not be HTML-escaped first,
    # so ``item_title`` hands the title over as it is.)
    title, subtitle, link = _read("title"), _read("subtitle"), _read("link")
    feed_url, feed_guid, author_name = _read("self_url"), _read("guid"), _read("author")
    items = _read("entries")
    item_title, item_description, item_link = _read("title"), _read("text"), _read("link")
    item_guid, item_author_name = _read("guid"), _read("author")
    item_pubdate = item_updateddate = _read("published_at")


SUBTITLE = gettext_lazy("公開された目標宣言・報告とその訂正（新しいものから）")


class SiteFeed(_PublicationsFeed):
    """Every publication and correction on the site, or of one city's (``?municipality=``)."""

    def followed(self, request, *, municipality, department) -> Followed:
        query = _query(municipality)
        self_url = reverse("portal:feed") + query
        return Followed(title=site_feed_title(municipality), subtitle=str(SUBTITLE),
                        link=reverse("portal:index") + query, self_url=self_url,
                        guid=request.build_absolute_uri(self_url), author=municipality or _("部長の目標宣言と達成状況"))


class DepartmentFeed(_PublicationsFeed):
    """One department's publications and corrections across the years."""

    def followed(self, request, *, municipality, department) -> Followed:
        query = _query(municipality)
        self_url = reverse("portal:department_feed", args=[department]) + query
        return Followed(title=department_feed_title(department), subtitle=str(SUBTITLE),
                        link=reverse("portal:index") + query, self_url=self_url,
                        guid=request.build_absolute_uri(self_url), author=municipality or _("部長の目標宣言と達成状況"))
