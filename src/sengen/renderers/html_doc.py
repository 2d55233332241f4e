"""The official ruled table as a standalone HTML document (also WeasyPrint's input).

One page of HTML that a city office can save, mail or open on LGWAN without the
internet: all CSS is inline, no script, no external font. Every piece of text from the
document goes through ``_e`` (html.escape with quotes), so a hostile report renders as
visible text, never markup.
"""

from __future__ import annotations

from html import escape

from . import _doc

# Column widths measured from the ruled lines of the seed PDF (pt: 28.4, 107.7, 175.7,
# 141.8, 192.7, 127.6 of 773.9), so our print reads like the one the city published.
REPORT_COLUMNS = (
    ("no", "No.", 3.7),
    ("title", "取組名<br>（担当課名）", 13.9),
    ("content", "取組内容", 22.7),
    ("targets", "達成目標", 18.3),
    ("results", "取組結果<br>［今後の取組の方向性］", 24.9),
    ("status", "目標達成状況", 16.5),
)
# A declaration has no results yet; the freed width goes to the text-heavy columns.
DECLARATION_COLUMNS = (
    ("no", "No.", 4.5),
    ("title", "取組名<br>（担当課名）", 20.5),
    ("content", "取組内容", 42.0),
    ("targets", "達成目標", 33.0),
)
FUTURE_DIRECTION_LABEL = "［今後の取組の方向性］"

# Screen fonts: whatever Japanese font the reader's system has. The PDF renderer adds
# an @font-face for the bundled IPAexGothic in front of this list.
FONT_STACK = ('"Noto Sans JP", "Hiragino Sans", "Hiragino Kaku Gothic ProN", '
              '"BIZ UDPGothic", "Yu Gothic", Meiryo, sans-serif')

CSS = """
@page {
  size: A4 landscape;
  margin: 14mm 12mm 14mm 12mm;
  @bottom-center {
    content: "- " counter(page) " -";
    font-family: %(fonts)s;
    font-size: 9pt;
  }
}
html { font-family: %(fonts)s; color: #1a1a1a; background: #fff; }
body { margin: 0; }
.sengen-report { border-collapse: collapse; table-layout: fixed; width: 100%%; }
/* A name as long as core/limits.py allows, without a break opportunity (a department written
   in Latin letters), wraps inside the page instead of running off it. */
.sengen-report caption { text-align: left; margin-bottom: 0.5em; overflow-wrap: anywhere; }
.sengen-report h1 { font-size: 1.6em; font-weight: normal; text-align: center; margin: 0 0 0.6em; }
.sengen-report .director { text-align: right; margin: 0; }
.sengen-report thead { display: table-header-group; }
.sengen-report th, .sengen-report td {
  border: 1px solid #1a1a1a; padding: 0.35em 0.45em; vertical-align: top;
  overflow-wrap: anywhere;
}
.sengen-report th { font-weight: normal; text-align: center; vertical-align: middle; background: #f2f2f2; }
.sengen-report td.no { text-align: center; }
.sengen-report ul { list-style: none; margin: 0; padding: 0; }
.sengen-report li { padding-left: 1em; text-indent: -1em; }
.sengen-report .sections { margin: 1em 0 0; }
.sengen-report .future { margin: 0.2em 0 0; }
@media print {
  html { font-size: 8.5pt; line-height: 1.45; }
  .sengen-report caption { margin-bottom: 6pt; }
  .sengen-report h1 { font-size: 14pt; margin-bottom: 10pt; }
  .sengen-report .director { font-size: 10pt; }
  /* Separate borders drawn by the cells (right and bottom; left on the first column,
     top on the header) so that a row cut by a page break still gets its closing rule. */
  .sengen-report { border-collapse: separate; border-spacing: 0; }
  .sengen-report th, .sengen-report td {
    border: 0; border-right: 0.75pt solid #000; border-bottom: 0.75pt solid #000;
    padding: 3pt 4pt; box-decoration-break: clone;
  }
  .sengen-report th { border-top: 0.75pt solid #000; }
  .sengen-report th:first-child, .sengen-report td:first-child { border-left: 0.75pt solid #000; }
  .sengen-report th { background: #f2f2f2; }
  .sengen-report tr { break-inside: auto; }
}
"""

# For browsers only: WeasyPrint knows neither media features nor line-break (Pango
# applies kinsoku itself) and would log a warning for each on every PDF.
BROWSER_CSS = """
.sengen-report th, .sengen-report td { line-break: strict; }
@media screen {
  body { padding: 1.5rem; line-height: 1.7; font-size: 16px; }
  .sengen-report { font-size: 0.875rem; }
}
@media screen and (max-width: 48em) {
  /* One card per initiative, columns in the official order, each labelled. */
  .sengen-report, .sengen-report tbody, .sengen-report tr, .sengen-report td { display: block; width: auto; }
  .sengen-report thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .sengen-report tr { border: 1px solid #1a1a1a; margin: 0 0 1rem; }
  .sengen-report td { border: 0; border-top: 1px solid #ccc; }
  .sengen-report td::before { content: attr(data-label); display: block; font-weight: bold; }
  .sengen-report td.no::before { display: inline; }
  .sengen-report td.no { text-align: left; }
}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def _bullets(lines: list[str]) -> str:
    if not lines:
        return ""
    # The ・ is drawn as in the official table but hidden from screen readers, which
    # already announce a list item.
    items = "".join(f'<li><span aria-hidden="true">・</span>{_e(line)}</li>' for line in lines)
    return f"<ul>{items}</ul>"


def _plain_label(header_html: str) -> str:
    return header_html.replace("<br>", "")


def _cells(initiative: dict, columns) -> str:
    number = _doc.clean(initiative.get("number"))
    sections = "、".join(s for s in _doc.texts(initiative.get("sections")) if s)
    cells = {
        "no": _e(number),
        "title": _e(_doc.clean(initiative.get("title")))
        + (f'<p class="sections">（{_e(sections)}）</p>' if sections else ""),
        "content": _bullets(_doc.texts(initiative.get("content"))),
        "targets": _bullets([_doc.clean(t.get("text")) for t in _doc.targets(initiative)]),
    }
    if len(columns) > 4:
        future = _doc.texts(initiative.get("future_direction"))
        cells["results"] = _bullets(_doc.texts(initiative.get("results"))) + (
            f'<p class="future">{FUTURE_DIRECTION_LABEL}</p>{_bullets(future)}' if future else "")
        cells["status"] = _bullets(_doc.texts(initiative.get("achievement_status")))
    return "".join(
        f'<td class="{key}" data-label="{_e(_plain_label(label))}">{cells[key]}</td>'
        for key, label, _ in columns
    )


def render_html(doc: dict, *, head_css: str = "", fonts: str = FONT_STACK, browser: bool = True) -> str:
    """The standalone HTML document for one report.

    ``head_css`` goes before the built-in style sheet (the PDF renderer puts its
    @font-face there); ``fonts`` is the CSS font-family list; ``browser=False`` leaves
    out the screen-only CSS (for WeasyPrint).
    """
    columns = DECLARATION_COLUMNS if _doc.is_declaration(doc) else REPORT_COLUMNS
    title = _doc.title(doc)
    director = _doc.director_line(doc)
    municipality = _doc.clean(doc.get("municipality")).strip()
    author = " ".join(p for p in (municipality, director) if p)

    colgroup = "".join(f'<col class="{key}" style="width: {width}%">' for key, _, width in columns)
    header = "".join(f'<th scope="col" class="{key}">{label}</th>' for key, label, _ in columns)
    rows = "".join(f"<tr>{_cells(i, columns)}</tr>" for i in _doc.initiatives(doc))
    if not rows:
        rows = f'<tr><td colspan="{len(columns)}">取組の記載はありません。</td></tr>'

    meta = [f'<meta name="author" content="{_e(author)}">'] if author else []
    meta.append('<meta name="generator" content="sengen">')
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n" + "\n".join(meta) + "\n"
        f"<style>{head_css}{CSS % {'fonts': fonts}}{BROWSER_CSS if browser else ''}</style>\n"
        "</head>\n<body>\n"
        '<table class="sengen-report">\n'
        f'<caption><h1>{_e(title)}</h1>'
        + (f'<p class="director">{_e(director)}</p>' if director else "")
        + "</caption>\n"
        f"<colgroup>{colgroup}</colgroup>\n"
        f"<thead><tr>{header}</tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n"
        "</table>\n</body>\n</html>\n"
    )
