"""Where each page of the portal lives in the built tree, and how its links are rewritten.

The portal's URLs name a city with ``?municipality=`` and switch language with a cookie
(``/language/en/?next=…``); a static server ignores query strings and cookies. So every URL the
build renders has a key (language, path, the queries that select content) and one file in the
tree, and every link in what is written points at that file:

- ``/years/2017/`` → ``years/2017/index.html``; a feed's ``/feeds/`` → ``feeds/index.atom``
  (the extension gives any web server the content type);
- ``?municipality=架空市`` → ``cities/架空市/…`` in front, ``?page=2`` → ``…/page/2/`` behind;
- English → ``en/…`` in front; downloads and static assets are the same files in both languages;
- a download → the name the portal gives it (``平成29年度_市民生活部_達成状況報告.pdf``) beside
  the report's ``download/`` folder.

Links become relative (``../../years/2017/index.html``: the tree works under any prefix, even
opened from a disk) or, with a base URL, absolute (``https://…/sengen/years/2017/``).
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlsplit

# The query parameters that choose what a page shows; any other makes a URL the build does not
# follow (a search with ?q= needs the server, or the static search task G adds).
CONTENT_QUERIES = ("municipality", "page")
INDEX_NAMES = {"text/html": "index.html", "application/atom+xml": "index.atom",
               "application/json": "index.json", "application/xml": "index.xml", "text/xml": "index.xml"}
SHARED_KINDS = {"download", "static", "api"}  # one file for both languages


class UnsafePath(ValueError):
    """A name that cannot be a file name (``..``, an empty segment, a NUL)."""


@dataclass(frozen=True, order=True)
class Key:
    """What one rendered URL is: its language, its decoded path and the content queries."""

    lang: str
    path: str
    query: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        query = "&".join(f"{name}={quote(value, safe='')}" for name, value in self.query)
        return quote(self.path, safe="/~") + (f"?{query}" if query else "")


def key_of(url: str, lang: str) -> Key | None:
    """The key of a link found in a page, None when it carries a query the build does not follow."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(name not in CONTENT_QUERIES for name, _ in query):
        return None
    return Key(lang, unquote(parts.path), tuple(sorted(query)))


def _safe_segments(path: str) -> list[str]:
    segments = path.split("/")
    for segment in segments:
        if segment in (".", "..") or "\x00" in segment or "\\" in segment:
            raise UnsafePath(f"ファイル名にできない名前です: {path!r}")
    return segments


def file_path(key: Key, kind: str, content_type: str, filename: str = "") -> str:
    """The file (a relative POSIX path) ``key`` is written to. ``kind`` is ``page``, ``feed``,
    ``download`` (``filename``: the name the portal gives it), ``static`` or ``api``."""
    path = key.path.lstrip("/")
    query = dict(key.query)
    if kind == "download":
        # /reports/2017/部/download/pdf/ → reports/2017/部/download/<the portal's file name>
        path = posixpath.dirname(path.rstrip("/")) + "/" + filename
    elif not path or path.endswith("/"):
        if query.get("page"):
            path += f"page/{query['page']}/"
        path += INDEX_NAMES.get(content_type.split(";")[0].strip(), "index.html")
    if query.get("municipality"):
        path = f"cities/{query['municipality']}/{path}"
    if key.lang != "ja" and kind not in SHARED_KINDS:
        path = f"{key.lang}/{path}"
    segments = _safe_segments(path)
    if any(not s for s in segments):
        raise UnsafePath(f"ファイル名にできない名前です: {path!r}")
    return path


_LINK = re.compile(r'(\s(?:href|src|action)=")([^"]*)(")')


def link_to(target: str, *, source: str, base_url: str | None) -> str:
    """The link from file ``source`` to file ``target`` (both tree paths)."""
    if base_url:
        if target.endswith("/index.html") or target == "index.html":
            target = target[: -len("index.html")]
        return base_url + quote(target, safe="/~")
    relative = posixpath.relpath(target, posixpath.dirname(source) or ".")
    return quote(relative, safe="/~")


def rewrite_links(text: str, *, source: str, lang: str, resolve, base_url: str | None,
                  host: str = "") -> tuple[str, list[str]]:
    """``text`` (HTML or Atom) with every link to a rendered URL pointing at its file.
    ``resolve(url, lang)`` gives the target file or None. Returns the text and the links left
    as they were (to URLs the build did not produce)."""
    missed: list[str] = []

    def one(match: re.Match) -> str:
        raw = html.unescape(match.group(2))
        parts = urlsplit(raw)
        if parts.scheme and (parts.scheme not in ("http", "https") or parts.netloc != host):
            return match.group(0)  # another site
        if not parts.path and not parts.query:
            return match.group(0)  # "#main"
        target = resolve(parts._replace(scheme="", netloc="", fragment="").geturl(), lang)
        if target is None:
            missed.append(raw)
            return match.group(0)
        link = link_to(target, source=source, base_url=base_url)
        if parts.fragment:
            link += "#" + parts.fragment
        return match.group(1) + html.escape(link) + match.group(3)

    return _LINK.sub(one, text), missed
