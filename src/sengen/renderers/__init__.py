"""``sengen.report/1`` dict → the files a city publishes: JSON, CSV, XLSX, HTML, PDF.

Pure Python (no Django): the CLI, the web app and the tests call the same function.

    >>> from sengen.renderers import render, FORMATS
    >>> render(doc, "pdf")          # bytes, in the form the document names (else the seed's)
    >>> render(doc, "pdf", form=f)  # in Form ``f`` (the version a stored report was made with)
    >>> FORMATS["csv"]              # ("text/csv; charset=utf-8", "csv")

Heavy libraries (WeasyPrint, openpyxl) are imported only when their format is asked for.
"""

from __future__ import annotations

from collections.abc import Callable

FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/json", "json"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "html": ("text/html; charset=utf-8", "html"),
    "pdf": ("application/pdf", "pdf"),
}


def _json(doc: dict, form=None) -> bytes:
    from sengen.core.report import SCHEMA_V1, ReportError, dumps, simplest

    # The simplest version that says everything: /1 when the report fits it, so every report
    # stored before /2 (the seed among them) exports byte for byte as it did. A /1 document is
    # already that, and is written as given, as before /2 (no second normalisation to pay).
    if doc.get("schema") != SCHEMA_V1:
        try:
            doc = simplest(doc)
        except ReportError:
            pass  # written as given: the caller's validation (normalise) is where it is refused
    return dumps(doc).encode("utf-8")


def _csv(doc: dict, form=None) -> bytes:
    from .csv_doc import render_csv

    return render_csv(doc, form=form)


def _xlsx(doc: dict, form=None) -> bytes:
    from .xlsx_doc import render_xlsx

    return render_xlsx(doc, form=form)


def _html(doc: dict, form=None) -> bytes:
    from .html_doc import render_html

    return render_html(doc, form=form).encode("utf-8")


def _pdf(doc: dict, form=None) -> bytes:
    from .pdf_doc import render_pdf

    return render_pdf(doc, form=form)


_RENDERERS: dict[str, Callable[..., bytes]] = {
    "json": _json, "csv": _csv, "xlsx": _xlsx, "html": _html, "pdf": _pdf,
}


def render(doc: dict, fmt: str, *, form=None) -> bytes:
    """Render one report; ``fmt`` is a key of ``FORMATS``; ``form`` the ``core.forms.Form`` to
    lay it out in (default: ``core.forms.form_of(doc)``, the form it names or the seed's)."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    if not isinstance(doc, dict):
        raise TypeError(f"expected a sengen.report/1 dict, got {type(doc).__name__}")
    if fmt != "json":
        doc = _with_defaults(doc)
    return renderer(doc, form)


def _with_defaults(doc: dict) -> dict:
    """The document with the spec's defaults filled in, so a target without an
    ``evaluation`` reads 未評価 in the CSV just as it reads ``not_evaluated`` in the JSON.

    A document the gate rejects is still rendered, from what it has: the table is how
    people see what is wrong with it. (JSON export stays strict: it is the data format.)
    """
    from sengen.core.report import ReportError, normalise

    try:
        return normalise(doc)
    except ReportError:
        return doc


__all__ = ["FORMATS", "render"]
