"""Charts for the public pages: matplotlib → SVG, inlined in the page (no script, no CDN).

Every chart stands beside a table with the same numbers: the chart is for seeing, the table for
reading, copying and screen readers. Colours are the デジタル庁 design tokens' (green-800,
yellow-700, red-900, solid-gray-536 — the values of tokens.css, since the SVG is drawn on the
server), and each series differs by more than colour too: hatching, line style and markers.

Japanese labels need a Japanese font: IPAexGothic, which the japanize-matplotlib wheel ships.
Its file is found without importing that module (importing it changes matplotlib's global state).
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import logging
import re
from decimal import Decimal
from functools import lru_cache
from html import escape
from pathlib import Path

from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

COLOURS = {
    "achieved": "#197a4b",            # green-800
    "partially_achieved": "#b78f00",  # yellow-700
    "not_achieved": "#ce0000",        # red-900
    "not_evaluated": "#767676",       # solid-gray-536
    "target": "#0031d8",              # blue-800
    "actual": "#1a1a1a",              # solid-gray-900
}
HATCHES = {"achieved": "", "partially_achieved": "///", "not_achieved": "xx", "not_evaluated": ".."}

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def japanese_font() -> str | None:
    """The family name of IPAexGothic after registering it with matplotlib, or None when the
    japanize-matplotlib wheel is missing (the charts then fall back to matplotlib's font)."""
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"
    if not path.is_file():
        return None
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def _style():
    """matplotlib settings for one chart, applied while it is built (text objects take their font
    when created) and saved; a context, so that nothing global changes."""
    import matplotlib

    family = japanese_font()
    # Department names, units and titles are what people wrote: never TeX or math text
    # ("$\\foo$" would otherwise be parsed, and fail the page with "Unknown symbol").
    rc = {"font.size": 13, "svg.fonttype": "none", "text.parse_math": False, "text.usetex": False}
    if family:
        rc["font.family"] = [family, "sans-serif"]
    return matplotlib.rc_context(rc)


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=96)
    FigureCanvasSVG(figure)
    figure.set_layout_engine("constrained")
    return figure


_PROLOG = re.compile(r"^.*?(?=<svg)", re.S)
_SIZE = re.compile(r'\s(width|height)="[^"]*"')
_IDS = re.compile(r'\sid="([^"]+)"')
_TAGS = re.compile(r"<(?!!--)[^<>]+>")


def _svg(figure: Figure, *, label: str, uid: str) -> str:
    """The figure as an inline <svg> with an accessible name, sized by CSS (viewBox kept), its
    element ids prefixed so that two charts on one page do not clash."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": uid}):
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = _PROLOG.sub("", buffer.getvalue(), count=1)
    head, rest = svg.split(">", 1)
    head = _SIZE.sub("", head)
    svg = (f'{head} role="img" aria-label="{escape(label, quote=True)}" class="chart-svg" focusable="false">'
           f"<title>{escape(label)}</title>{rest}")
    # Ids and references to them live in tags' attributes. Text people wrote is in text nodes
    # (where "<" is always escaped), so looking only inside tags never rewrites a department
    # named 'id="x"'.
    tags = _TAGS.findall(svg)
    ids = {found for tag in tags for found in _IDS.findall(tag)}
    if not ids:
        return svg
    reference = re.compile(r'(id="|#|url\(#)(' + "|".join(map(re.escape, sorted(ids, key=len, reverse=True)))
                           + r')(?=["\)])')
    return _TAGS.sub(lambda tag: reference.sub(rf"\g<1>{uid}-\g<2>", tag.group(0)), svg)


def _plain(value) -> float:
    return float(value) if isinstance(value, Decimal) else value


def _thousands(value, _pos=None) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


# Drawing a chart takes matplotlib 0.25–1.2 s of CPU (docs/benchmarks-load.md) and its input
# changes only with a publication: keep the SVG, keyed by everything it is drawn from.
CACHE_SECONDS = 24 * 3600


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """This module's code and matplotlib's version: a deploy that draws differently draws anew,
    even with a cache shared on disk (SENGEN_CACHE_DIR) that outlives the processes."""
    import matplotlib

    return hashlib.sha256(Path(__file__).read_bytes() + matplotlib.__version__.encode()).hexdigest()


def cached(draw, data, **options) -> str:
    """``draw(data, **options)``, from Django's cache when the same chart was drawn before. The
    key is a hash of the data and options (counts, labels, title, language's words), so a new
    publication that changes a number draws a new chart and one that changes none does not."""
    from django.core.cache import cache

    material = repr((_code_stamp(), draw.__name__, data, sorted(options.items()))).encode("utf-8")
    key = f"sengen:chart:{hashlib.sha256(material).hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        svg = draw(data, **options)
        cache.set(key, svg, CACHE_SECONDS)
    return svg


def drawn_or_none(draw, data, **options) -> str | None:
    """``cached(draw, …)``, or None when drawing fails: a chart stands beside a table with the
    same numbers, so the page shows the table without it rather than failing as a whole."""
    try:
        return cached(draw, data, **options)
    except Exception:
        logger.exception("chart %s not drawn", draw.__name__)
        return None


def year_summary_chart(rows: list[dict], **options) -> str:
    with _style():
        return _year_summary_chart(rows, **options)


def _year_summary_chart(rows: list[dict], *, labels: dict[str, str], title: str, axis_label: str,
                        uid: str = "summary") -> str:
    return _svg(_year_summary_figure(rows, labels=labels, axis_label=axis_label), label=title, uid=uid)


# Inches the bars keep beside the longest department name, and of margin either side.
_BARS_WIDTH = 3.6
_MIN_WIDTH = 5.5


def _year_summary_figure(rows: list[dict], *, labels: dict[str, str], axis_label: str) -> Figure:
    """Horizontal stacked bars: per department, how many targets were achieved, partly achieved,
    not achieved, not evaluated. ``rows``: ``[{"department", "counts": {evaluation: n}}]``;
    ``labels``: each evaluation's display name (already translated).

    The figure is sized from its text as drawn, in whatever language: the legend takes as many
    columns as fit across the figure (four short Japanese labels fit on one line, English ones
    need two), and the figure widens for a long department name. A legend wider than the figure
    left constrained layout nothing to place ("constrained_layout not applied"): the legend was
    cut to "…hieved" and the bars squeezed until the axis' digits ran together."""
    departments = [r["department"] for r in rows]
    figure = _figure(_MIN_WIDTH, 1.6 + 0.6 * len(rows))
    axes = figure.add_subplot()
    left = [0] * len(rows)
    positions = list(range(len(rows)))
    for evaluation in ("achieved", "partially_achieved", "not_achieved", "not_evaluated"):
        values = [r["counts"].get(evaluation, 0) for r in rows]
        bars = axes.barh(positions, values, left=left, color=COLOURS[evaluation], hatch=HATCHES[evaluation],
                         edgecolor="white", linewidth=1, label=labels[evaluation])
        for bar, value in zip(bars, values, strict=True):
            if value:
                axes.text(bar.get_x() + bar.get_width() / 2, bar.get_y() + bar.get_height() / 2, str(value),
                          ha="center", va="center", color="white",  # IPAexGothic has one weight: no "bold"
                          bbox={"boxstyle": "round,pad=0.15", "facecolor": COLOURS[evaluation], "linewidth": 0})
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, departments)
    axes.invert_yaxis()
    # At most five ticks: thousands of targets in a city's year must not print a digit per bar.
    axes.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    axes.set_xlabel(axis_label)
    axes.spines[["top", "right"]].set_visible(False)

    # Measured as drawn (matplotlib lends a renderer to an SVG canvas for this).
    names_width = max(label.get_window_extent().width for label in axes.get_yticklabels()) / figure.dpi
    figure.set_figwidth(max(_MIN_WIDTH, names_width + _BARS_WIDTH))
    handles, names = axes.get_legend_handles_labels()
    room = figure.get_figwidth() * figure.dpi * 0.95
    for columns in (4, 2, 1):
        legend = figure.legend(handles, names, loc="outside lower center", ncols=columns, frameon=False,
                               fontsize=12)
        if columns == 1 or legend.get_window_extent().width <= room:
            break
        legend.remove()
    # Each further line of legend gets its own height, so the bars keep theirs.
    lines = -(-len(handles) // columns)
    figure.set_figheight(figure.get_figheight() + 0.3 * (lines - 1))
    return figure


def target_series_chart(points: list[dict], **options) -> str:
    with _style():
        return _target_series_chart(points, **options)


def _target_series_chart(points: list[dict], *, unit: str, title: str, target_label: str, actual_label: str,
                         uid: str) -> str:
    """One numeric target over the years: the target (dashed, squares) and the actual value
    (solid, circles). ``points``: ``[{"year", "short", "target", "actual"}]`` oldest first."""
    # About phone-sized, so that its text stays readable when a 390 px screen shows it.
    figure = _figure(5, 3.2)
    axes = figure.add_subplot()
    xs = list(range(len(points)))
    axes.plot(xs, [_plain(p["target"]) for p in points], linestyle="--", marker="s", color=COLOURS["target"],
              linewidth=2, label=target_label)
    actual = [(x, _plain(p["actual"])) for x, p in zip(xs, points, strict=True) if p["actual"] is not None]
    if actual:
        axes.plot([a[0] for a in actual], [a[1] for a in actual], linestyle="-", marker="o",
                  color=COLOURS["actual"], linewidth=2, label=actual_label)
    axes.set_xticks(xs, [p["short"] for p in points])
    axes.set_xlim(-0.5, len(points) - 0.5)
    axes.yaxis.set_major_formatter(FuncFormatter(_thousands))
    # From zero: a chart that starts at 11,750 makes 98.5 % look like a miss by half.
    top = max([_plain(p["target"]) for p in points] + [a[1] for a in actual])
    axes.set_ylim(0, top * 1.15 if top > 0 else 1)
    axes.set_title(f"（{unit}）", loc="left", fontsize=12)
    axes.grid(axis="y", color="#cccccc", linewidth=0.6)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="best", frameon=False, fontsize=12)
    return _svg(figure, label=title, uid=uid)
