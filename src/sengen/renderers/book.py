"""The city's book: every department's report of one fiscal year and phase as one PDF.

行政経営課 prints all departments' reports of a year as one document (目標宣言・達成状況報告集):
a cover, a table of contents, then each department's official table in the city's order, with
the city, the year and the department at the head of every page and ``- n -`` at its foot.

It is ONE WeasyPrint document, not single-report PDFs merged: the contents' page numbers come
from CSS ``target-counter()``, the bookmarks from ``bookmark-level``/``bookmark-label`` and the
running headers from ``string-set`` and the ``@page`` margin boxes, so the numbers are right by
construction, the font is embedded once, and the whole book costs less than its reports drawn
one by one (``make bench``). Each table is ``html_doc``'s, in the report's own form, exactly as
the single-report PDF prints it. Pure Python, no Django: the caller passes the documents (and
their forms) in the order they are to be printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from sengen.core.forms import Form
from sengen.core.workflow import ACHIEVEMENT_REPORT, DECLARATION, DOCUMENT_NAMES, INTERIM_REPORT

from . import _doc, _form
from .html_doc import CSS, FONT_STACK, FORM_CSS, report_table
from .pdf_doc import FONT_FAMILY, _url_fetcher, font_path

# What the cover calls the book of each phase (the city's own words: printed untranslated).
BOOK_TITLES = {
    DECLARATION: "目標宣言集",
    INTERIM_REPORT: "目標宣言・中間報告集",
    ACHIEVEMENT_REPORT: "目標宣言・達成状況報告集",
}
# Printed at the top of every page of a book that holds reports not yet published: a printed
# draft must never be mistaken for the city's published book.
DRAFT_MARK = "下書き（DRAFT）"
CONTENTS_HEADING = "目次"

# After html_doc's CSS, whose single-report @page this replaces. The cover sets the city and the
# year (string-set); each department's section sets its name, starts a page, and is the one
# bookmark of its department (the tables' own h1/h2 would add a bookmark per caption).
BOOK_CSS = """
@page {
  size: A4 landscape;
  margin: 18mm 12mm 14mm 12mm;
  @top-left { content: string(city) "　" string(year) "　" string(book); font-family: %(fonts)s; font-size: 8pt; }
  @top-right { content: string(department); font-family: %(fonts)s; font-size: 8pt; }
  @bottom-center { content: "- " counter(page) " -"; font-family: %(fonts)s; font-size: 9pt; }
  %(draft)s
}
@page cover {
  @top-left { content: none; }
  @top-right { content: none; }
  @bottom-center { content: none; }
}
h1, h2, h3, h4, h5, h6 { bookmark-level: none; }
html { font-size: 8.5pt; line-height: 1.45; background: none; }
.book-cover { page: cover; text-align: center; padding-top: 45mm; }
.book-cover .city { string-set: city content(); font-size: 18pt; margin: 0; }
.book-cover .year { string-set: year content(); font-size: 18pt; margin: 6mm 0 0; }
.book-cover h1 { string-set: book content(); font-size: 28pt; font-weight: normal; margin: 10mm 0 0; }
.book-cover .phase { font-size: 14pt; margin: 6mm 0 0; }
.book-cover .draft { font-size: 20pt; margin: 14mm 0 0; border: 1.5pt solid #000; display: inline-block;
  padding: 2mm 8mm; }
.book-contents { break-before: page; }
.book-contents h2 { font-size: 14pt; font-weight: normal; text-align: center; margin: 0 0 8mm; }
.book-contents ol { list-style: none; margin: 0 auto; padding: 0; width: 70%%; font-size: 11pt; }
.book-contents li { margin: 0 0 2.5mm; }
.book-contents a { color: inherit; text-decoration: none; }
.book-contents a::after { content: leader(".") target-counter(attr(href), page); }
.book-department { break-before: page; string-set: department attr(data-department);
  bookmark-level: 1; bookmark-label: attr(data-department); }
.book-department .sengen-report h1 { font-size: 14pt; margin-bottom: 10pt; }
.book-department .sengen-report .director { font-size: 10pt; }
.book-department .sengen-report caption { margin-bottom: 6pt; }
.sengen-report { border-collapse: separate; border-spacing: 0; }
.sengen-report th, .sengen-report td {
  border: 0; border-right: 0.75pt solid #000; border-bottom: 0.75pt solid #000;
  padding: 3pt 4pt; box-decoration-break: clone;
}
.sengen-report th { border-top: 0.75pt solid #000; background: #f2f2f2; }
.sengen-report th:first-child, .sengen-report td:first-child { border-left: 0.75pt solid #000; }
.sengen-report tr { break-inside: auto; }
"""
DRAFT_BOX = '@top-center { content: "%s"; font-family: %%(fonts)s; font-size: 10pt; font-weight: bold; }'


class EmptyBook(ValueError):
    """A book with no report in it: nothing to print."""


def _e(text) -> str:
    return escape(str(text), quote=True)


def book_title(phase: str) -> str:
    return BOOK_TITLES.get(phase, "目標宣言・報告集")


def render_book(reports: Sequence[tuple[dict, Form | None]], *, draft: bool = False,
                municipality: str | None = None, fiscal_year_label: str | None = None,
                phase: str | None = None) -> bytes:
    """The book of ``reports`` (``(sengen.report document, its form or None)``, in print order)
    as PDF bytes. ``municipality``, ``fiscal_year_label`` and ``phase`` default to the first
    report's; ``draft`` prints DRAFT_MARK on every page."""
    from weasyprint import HTML

    if not reports:
        raise EmptyBook("本に載せる目標宣言・報告がありません")
    html, font_url = book_html(reports, draft=draft, municipality=municipality,
                               fiscal_year_label=fiscal_year_label, phase=phase)
    return HTML(string=html, url_fetcher=_url_fetcher(font_url)).write_pdf(pdf_variant="pdf/ua-1")


def book_html(reports: Sequence[tuple[dict, Form | None]], *, draft: bool = False,
              municipality: str | None = None, fiscal_year_label: str | None = None,
              phase: str | None = None) -> tuple[str, str]:
    """The book as the HTML WeasyPrint lays out, and the one URL it may fetch (the font)."""
    from . import _with_defaults

    docs = [(_with_defaults(doc), form) for doc, form in reports]
    first = docs[0][0]
    city = _doc.clean(municipality if municipality is not None else first.get("municipality")).strip()
    year = _doc.clean(fiscal_year_label if fiscal_year_label is not None else first.get("fiscal_year_label"))
    phase = phase or first.get("document") or ACHIEVEMENT_REPORT
    title = book_title(phase)

    font_url = font_path().as_uri()
    fonts = f'"{FONT_FAMILY}", {FONT_STACK}'
    font_face = f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font_url}"); }}\n'
    draft_box = (DRAFT_BOX % DRAFT_MARK) if draft else ""
    book_css = BOOK_CSS % {"fonts": fonts, "draft": draft_box % {"fonts": fonts} if draft else ""}
    plain = all(_form.table(doc, form).plain for doc, form in docs)
    css = font_face + CSS % {"fonts": fonts} + ("" if plain else FORM_CSS) + book_css

    contents, sections = [], []
    for n, (doc, form) in enumerate(docs, 1):
        department = _doc.clean(doc.get("department")).strip() or f"（部名なし {n}）"
        anchor = f"department-{n}"
        contents.append(f'<li><a href="#{anchor}">{_e(department)}</a></li>')
        sections.append(f'<section class="book-department" id="{anchor}" data-department="{_e(department)}">'
                        f"{report_table(doc, form=form)}</section>\n")
    cover = (
        '<section class="book-cover">'
        f'<p class="city">{_e(city)}</p>'
        f'<p class="year">{_e(year)}</p>'
        f"<h1>{_e(title)}</h1>"
        f'<p class="phase">{_e(DOCUMENT_NAMES.get(phase, ""))}（{len(docs)}部）</p>'
        + (f'<p class="draft">{_e(DRAFT_MARK)}</p>' if draft else "")
        + "</section>\n"
    )
    toc = f'<nav class="book-contents"><h2>{CONTENTS_HEADING}</h2><ol>{"".join(contents)}</ol></nav>\n'
    doc_title = " ".join(p for p in (city, year, title) if p) + (f" {DRAFT_MARK}" if draft else "")
    html = (
        "<!DOCTYPE html>\n"
        '<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(doc_title)}</title>\n"
        + (f'<meta name="author" content="{_e(city)}">\n' if city else "")
        + '<meta name="generator" content="sengen">\n'
        f"<style>{css}</style>\n</head>\n<body>\n{cover}{toc}{''.join(sections)}</body>\n</html>\n"
    )
    return html, font_url


def main(argv: list[str] | None = None) -> int:
    """``python -m sengen.renderers.book [--nice N]``: the child the staff year page draws the
    book in. stdin: ``{"reports": [{"document", "form"}], "draft", "municipality",
    "fiscal_year_label", "phase"}`` (``declarations.book.book_payload``); stdout: the PDF."""
    from ._child import child_main

    return child_main("python -m sengen.renderers.book", lambda args, reports: render_book(
        reports, draft=bool(args.get("draft")), municipality=args.get("municipality"),
        fiscal_year_label=args.get("fiscal_year_label"), phase=args.get("phase")), argv)


__all__ = ["BOOK_TITLES", "DRAFT_MARK", "EmptyBook", "book_html", "book_title", "render_book"]

if __name__ == "__main__":
    raise SystemExit(main())
