"""A city's fiscal year as one open-data download: a ZIP of every department's report as CSV
(UTF-8 with BOM), XLSX and JSON, one year-wide CSV for analysis, and a ``datapackage.json``
(Frictionless Data) that describes every CSV's columns.

Pure Python, like every renderer: ``year_zip(reports, …)`` takes the documents (and the form
each is laid out in) and gives the ZIP's bytes. The same year gives the same bytes: names sorted,
every entry stamped with the time of the year's latest publication (``created``), and each
workbook (a ZIP itself, whose writer stamps the time it was written) stamped likewise. So a
rebuild of an unchanged year, by the portal or by a static site, is the same file.

Inside the ZIP::

    datapackage.json
    year.csv                       one row per target of every department (municipality, year,
                                   department columns), for analysis; not a report to import
    departments/<部>.csv|.xlsx|.json   each department's report, as its own downloads give it

A department's name is what the city wrote (it may hold 「/」 or 「..」): the file name keeps its
readable part and never makes a path (no separator, no dot-only name, no name Windows reserves),
and two names that would land on the same file (a cut at the length limit, ``ABC`` and ``abc`` on
a case-blind disk) get ``_2``, ``_3`` in order of the departments' names.

``python -m sengen.renderers.opendata`` reads ``{"reports": [{"document", "form"}], …}`` (the
arguments of ``year_zip``) on stdin and writes the ZIP: the portal draws it in a child process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sys
import unicodedata
import zipfile
from datetime import UTC, datetime

from sengen.core import opendata

from . import _with_defaults, render
from .csv_doc import neutralise
from .rows import COLUMNS, V2_COLUMNS, is_v2, rows
from .xlsx_doc import DATA_SHEET

DEPARTMENTS_DIR = "departments"
YEAR_CSV = "year.csv"
PACKAGE = "datapackage.json"
# Bytes, not characters, are what a file system limits (255 on most); 60 kanji are 180.
MAX_STEM_CHARS = 60
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_WINDOWS_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")
_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can carry
_FILE_MODE = 0o100644 << 16
_FIELD_TYPES = {c.label: c for c in (*opendata.V1, *opendata.V2)}
LICENSES = opendata.KNOWN_LICENSES  # the ids a city may name alone (core/opendata.py)


def safe_stem(name: str) -> str:
    """A file name's stem for ``name``: readable, never a path, never empty."""
    text = unicodedata.normalize("NFC", name)
    # Format characters (bidi overrides, zero-width joiners) could make a name read as another.
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    text = _UNSAFE.sub("_", text).strip(" .")[:MAX_STEM_CHARS].strip(" .")
    if not text:
        return "_"
    return f"_{text}" if _WINDOWS_RESERVED.fullmatch(text) else text


def department_stems(names: list[str]) -> list[str]:
    """Each name's file stem, in the order given: unique even on a case-blind disk and for a name
    given twice, the ``_2``, ``_3`` going to the later names in sorted order."""
    taken: set[str] = set()
    out = [""] * len(names)
    for i in sorted(range(len(names)), key=lambda i: (names[i], i)):
        stem = base = safe_stem(names[i])
        n = 1
        while stem.casefold() in taken:
            n += 1
            stem = f"{base}_{n}"
        taken.add(stem.casefold())
        out[i] = stem
    return out


def year_csv(reports: list[tuple[dict, object]]) -> bytes:
    """The year-wide table: every report's rows under one header (/2's columns when any report
    has them, empty for the others), neutralised like any sengen CSV."""
    cols = COLUMNS + V2_COLUMNS if any(is_v2(doc) for doc, _ in reports) else COLUMNS
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([label for _, label in cols])
    for doc, form in reports:
        for row in rows(doc, form):
            writer.writerow([neutralise(v) for v in row] + [""] * (len(cols) - len(row)))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _stamp(created: datetime) -> tuple[int, int, int, int, int, int]:
    """A ZIP entry's time is a wall-clock time without zone: ``created`` as the caller gives it
    (the city's local time)."""
    stamp = (created.year, created.month, created.day, created.hour, created.minute, created.second)
    return max(stamp, _EPOCH)


def _entry(name: str, stamp: tuple) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=stamp)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, wherever it is built: the same bytes on every machine
    info.external_attr = _FILE_MODE
    return info


def _zip(files: dict[str, bytes], stamp: tuple) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name in sorted(files):
            archive.writestr(_entry(name, stamp), files[name], compresslevel=9)
    return buf.getvalue()


_CORE_TIMES = re.compile(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)")


def _utc_text(created: datetime) -> str:
    return (created.astimezone(UTC) if created.tzinfo else created).strftime("%Y-%m-%dT%H:%M:%SZ")


def stable_workbook(data: bytes, created: datetime) -> bytes:
    """The workbook with its write time replaced by ``created``: in docProps/core.xml and on each
    part of its ZIP (openpyxl stamps both with the moment it saves)."""
    when = _utc_text(created).encode()
    parts = {}
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        order = [info.filename for info in book.infolist()]
        for name in order:
            parts[name] = book.read(name)
    if "docProps/core.xml" in parts:
        parts["docProps/core.xml"] = _CORE_TIMES.sub(rb"\g<1>" + when + rb"\g<3>", parts["docProps/core.xml"])
    buf = io.BytesIO()
    stamp = _stamp(created)
    with zipfile.ZipFile(buf, "w") as archive:
        for name in order:  # [Content_Types].xml first, as Excel expects
            archive.writestr(_entry(name, stamp), parts[name])
    return buf.getvalue()


def _field(label: str) -> dict:
    column = _FIELD_TYPES[label]
    return {"name": label, "title": column.title_en, "description": column.description, "type": column.type}


def _digest(data: bytes) -> dict:
    return {"bytes": len(data), "hash": f"sha256:{hashlib.sha256(data).hexdigest()}"}


def _csv_resource(name: str, path: str, data: bytes, title: str) -> dict:
    return {
        "name": name, "path": path, "profile": "tabular-data-resource", "title": title,
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", **_digest(data),
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True,
                    "header": True},
        "schema": {"fields": [_field(label) for label in _csv_header(data)]},
    }


def _xlsx_resource(name: str, path: str, data: bytes, title: str, csv_resource: dict) -> dict:
    """The workbook as a table: its データ sheet holds the CSV's rows, with numbers typed (the
    first sheet is the official table, for reading and printing)."""
    return {
        "name": name, "path": path, "profile": "tabular-data-resource", "title": title, "format": "xlsx",
        "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", **_digest(data),
        "dialect": {"excel": {"sheet": DATA_SHEET}},
        "schema": csv_resource["schema"],
    }


def _json_resource(name: str, path: str, data: bytes, title: str) -> dict:
    return {"name": name, "path": path, "profile": "data-resource", "title": title, "format": "json",
            "mediatype": "application/json", **_digest(data),
            "description": "sengen.report 形式の報告（docs/report-format.md）"}


def _words(*parts: str) -> str:
    """The parts a title is made of, without the gap of one left empty (a city without a name)."""
    return " ".join(p for p in parts if p)


def license_of(license: str | dict) -> dict:
    """The Data Package's license entry: a city's (``{"name", "title", "path"}``, checked when it
    was set) or an SPDX-style id, a known one completed with its title and path."""
    if isinstance(license, dict):
        return opendata.license_entry(**{k: license.get(k) or "" for k in ("name", "title", "path")})
    return opendata.license_entry(name=license)


def year_zip(reports: list[tuple[dict, object]], *, municipality: str, fiscal_year: int, fiscal_year_label: str,
             created: datetime, license: str | dict = "CC-BY-4.0", progress=None) -> bytes:
    """The year's ZIP. ``reports``: (document, form — None for the one it names) per department,
    each as citizens read it; ``created``: when the latest of them was published; ``progress``
    called with each department's path stem and document once its files are made."""
    # With the spec's defaults, as render() fills them for each department's own files, so the
    # year-wide CSV says 未評価 where they do.
    reports = [(_with_defaults(doc), form) for doc, form in reports]
    reports = sorted(reports, key=lambda r: (str(r[0].get("department") or ""), str(r[0].get("document") or "")))
    names = [str(doc.get("department") or "") for doc, _ in reports]
    # A department named twice (two cities' reports, two phases) is told apart by its phase.
    names = [f"{name}_{doc.get('document')}" if names.count(name) > 1 else name
             for name, (doc, _) in zip(names, reports, strict=True)]
    stems = department_stems(names)
    files: dict[str, bytes] = {}
    resources: list[dict] = []
    year_data = year_csv(reports)
    files[YEAR_CSV] = year_data
    resources.append(_csv_resource("year", YEAR_CSV, year_data,
                                   _words(fiscal_year_label, municipality, "全部局の達成目標（分析用）")))
    for index, (stem, (doc, form)) in enumerate(zip(stems, reports, strict=True), start=1):
        department = str(doc.get("department") or "")
        title = f"{department} {doc.get('fiscal_year_label', '')}"
        made = {fmt: render(doc, fmt, form=form) for fmt in ("csv", "xlsx", "json")}
        made["xlsx"] = stable_workbook(made["xlsx"], created)
        paths = {fmt: f"{DEPARTMENTS_DIR}/{stem}.{fmt}" for fmt in made}
        files.update((paths[fmt], data) for fmt, data in made.items())
        table = _csv_resource(f"department-{index:03d}-csv", paths["csv"], made["csv"], title)
        resources += [table,
                      _xlsx_resource(f"department-{index:03d}-xlsx", paths["xlsx"], made["xlsx"], title, table),
                      _json_resource(f"department-{index:03d}-json", paths["json"], made["json"], title)]
        if progress is not None:
            progress(stem, doc)
    package = {
        "profile": "data-package",
        "name": f"sengen-{fiscal_year}",
        "title": _words(fiscal_year_label, municipality, "目標宣言・達成状況報告"),
        "description": ("部ごとの目標宣言・報告（CSV: UTF-8 BOM 付き、XLSX、JSON: sengen.report 形式）と、"
                        "年度全体の達成目標の表（year.csv、分析用）。CSV は1行が1つの達成目標です。"),
        "created": _utc_text(created),
        "licenses": [license_of(license)],
        "keywords": [k for k in ("目標宣言", "達成状況", municipality, fiscal_year_label) if k],
        "resources": resources,
    }
    files[PACKAGE] = (json.dumps(package, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    return _zip(files, _stamp(created))


def _csv_header(data: bytes) -> list[str]:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig").split("\r\n", 1)[0])))


def main(argv: list[str] | None = None) -> int:
    """The child the portal draws the ZIP in (``_child``): the arguments of ``year_zip`` on stdin."""
    from ._child import child_main

    return child_main("python -m sengen.renderers.opendata", lambda args, reports: year_zip(
        reports, municipality=args["municipality"], fiscal_year=args["fiscal_year"],
        fiscal_year_label=args["fiscal_year_label"], created=datetime.fromisoformat(args["created"]),
        license=args["license"]), argv)


if __name__ == "__main__":
    sys.exit(main())
