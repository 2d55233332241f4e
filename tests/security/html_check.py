"""What a browser would build from a page: its elements, their attributes and its text."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self.text_parts: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data
        else:
            self.text_parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def event_handlers(self) -> list[tuple[str, str]]:
        return [(tag, name) for tag, attrs in self.tags for name in attrs if name.lower().startswith("on")]

    def script_urls(self) -> list[str]:
        return [value for _, attrs in self.tags for name, value in attrs.items()
                if name in ("href", "src", "action", "xlink:href") and value
                and value.strip().lower().startswith(("javascript:", "data:text/html"))]


def assert_inert(html: str, *, forbidden_tags: tuple[str, ...] = ("img", "h1-fake")) -> Page:
    """No element, attribute or URL that the hostile text could have produced."""
    page = Page(html)
    assert page.event_handlers() == []
    assert page.script_urls() == []
    # Scripts: none at all on sengen's pages, inline or not, except ones we serve ourselves.
    for tag, attrs in page.tags:
        if tag == "script":
            assert attrs.get("src"), "inline <script>"
        assert tag != "img" or not (attrs.get("src") or "").startswith("x"), "an <img> from report text"
    assert all(body.strip() == "" for body in page.scripts), "inline script body"
    return page
