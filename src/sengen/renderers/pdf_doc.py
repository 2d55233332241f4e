"""The official ruled table as a tagged A4-landscape PDF (WeasyPrint).

City PCs and LGWAN servers often have no Japanese font installed, and a PDF that
relies on the reader's fonts shows tofu or substitutes. So the font travels with us:
IPAexGothic from the japanize-matplotlib wheel (IPA Font License, redistributable),
embedded (subset) into every PDF.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

from .html_doc import FONT_STACK, render_html

FONT_FAMILY = "IPAexGothic"


class FontNotFound(RuntimeError):
    """The bundled Japanese font is missing: without it the PDF would be unreadable."""


@functools.cache
def font_path() -> Path:
    # find_spec, not import: importing japanize_matplotlib pulls in matplotlib and
    # rewrites its global rcParams, which is not ours to touch.
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec is None or not spec.origin:
        raise FontNotFound("japanize-matplotlib is not installed; it carries the IPAexGothic font")
    path = Path(spec.origin).parent / "fonts" / "ipaexg.ttf"
    if not path.is_file():
        raise FontNotFound(f"IPAexGothic not found at {path}")
    return path


def _url_fetcher(allowed: str):
    """Fetch only the font: the HTML is built from escaped text, and this makes sure that
    even a mistake there cannot turn a report into a request for a local file or an
    intranet URL."""
    from weasyprint import default_url_fetcher

    def fetch(url, *args, **kwargs):
        if url != allowed:
            raise ValueError(f"sengen PDF renderer does not load external resources: {url[:80]}")
        return default_url_fetcher(url, *args, **kwargs)

    return fetch


def render_pdf(doc: dict, *, form=None) -> bytes:
    """The report's official table in its form (``form``: a ``core.forms.Form``; by default the
    one the document names, else the seed's)."""
    from weasyprint import HTML

    font_url = font_path().as_uri()
    font_face = f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{font_url}"); }}\n'
    html = render_html(doc, head_css=font_face, fonts=f'"{FONT_FAMILY}", {FONT_STACK}', browser=False, form=form)
    return HTML(string=html, url_fetcher=_url_fetcher(font_url)).write_pdf(
        # PDF/UA-1: tagged structure (Table/TH/TD, H1, L/LI), document title shown,
        # /Lang from <html lang="ja"> — what a screen reader needs in a public document.
        pdf_variant="pdf/ua-1",
    )
