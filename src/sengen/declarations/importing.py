"""Importing the report files of a folder: what a city already published, in one go.

Each file is parsed in a child process with a time and memory budget
(``sengen.parsers.limits``), so one pathological file costs at most its budget; each is
stored in its own transaction, so one that the database refuses leaves the others stored.
Running the import again changes nothing: ``report_import`` makes an identical report a
no-op, and the folder's files are put in an order that does not undo itself:

* several files of the same department and year with the same content (the PDF, its text
  and its JSON) are one report: the first is stored, the others say they are the same;
* the same department and year in different phases (the declaration and, later, the
  achievement report, which repeats the declaration's targets): the latest phase is
  stored and the earlier one is read but not stored, since storing both in turn would
  make every run replace the one with the other;
* the same department, year and phase with different content is a conflict a person
  has to settle: none of those files is stored, and each says which other file it
  conflicts with.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from sengen.core import workflow
from sengen.core.report import ReportError, normalise
from sengen.parsers import ParseError
from sengen.parsers.limits import PARSE_SECONDS, parse_path_with_provenance_limited

from .models import Declaration, PublicationState
from .selectors import report_municipality
from .services.imports import WouldLose, report_import

logger = logging.getLogger("sengen.import")

REPORT_SUFFIXES = (".pdf", ".xlsx", ".txt", ".json", ".csv")


@dataclass
class FileImport:
    """What became of one file."""

    path: Path
    # created / updated / unchanged (stored or already stored), same (as another file),
    # superseded (by a later phase), failed
    status: str = "failed"
    doc: dict | None = None
    declaration: Declaration | None = None
    error: str = ""  # the ParseError line, or why the file was not stored
    other: Path | None = None  # the file it is the same as, superseded by or in conflict with
    review: list[str] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)  # JSON path → where it was read
    unexpected: bool = False  # failed in a way sengen does not foresee: its traceback is in the log

    @property
    def ok(self) -> bool:
        return self.status != "failed"


def report_files(folder: Path) -> list[Path]:
    """The report files directly in ``folder``, by name; hidden files and Office's lock
    files (``~$報告.xlsx``, there while the workbook is open in Excel) are not reports."""
    return sorted(
        (p for p in folder.iterdir()
         if p.suffix.lower() in REPORT_SUFFIXES and not p.name.startswith((".", "~$")) and p.is_file()),
        key=lambda p: p.name,
    )


def _label(ini: dict, place: int) -> str:
    """An item as a person finds it in the report: its number, or (an unnumbered item of a city's
    own form, sengen.report/2) where it stands, never "No.None"."""
    return f"No.{ini['number']}" if ini.get("number") is not None else f"{place}番目の項目"


def _targets_label(ini: dict, place: int, positions: list[int]) -> str:
    if len(ini["targets"]) == 1:
        return _label(ini, place)
    return "、".join(f"{_label(ini, place)}の{i}番目の目標" if ini.get("number") is None
                    else f"{_label(ini, place)}-{i}" for i in positions)


def review_notes(doc: dict) -> list[str]:
    """What a person should look at before relying on an imported report."""
    notes = []
    items = list(enumerate(doc["initiatives"], start=1))
    no_targets = [_label(ini, place) for place, ini in items if not ini["targets"]]
    if no_targets:
        notes.append(f"達成目標のない取組 {len(no_targets)} 件（{'、'.join(no_targets)}）")
    if doc["document"] != workflow.DECLARATION:
        places, count = [], 0
        for place, ini in items:
            positions = [i for i, t in enumerate(ini["targets"], start=1) if t["evaluation"] == "not_evaluated"]
            if positions:
                count += len(positions)
                places.append(_targets_label(ini, place, positions))
        if count:
            notes.append(f"評価が読み取れない達成目標 {count} 件（{'、'.join(places)}）")
        no_results = [_label(ini, place) for place, ini in items
                      if not ini["results"] and not ini["achievement_status"]]
        if no_results:
            notes.append(f"取組結果も達成状況もない取組 {len(no_results)} 件（{'、'.join(no_results)}）")
    return notes


def _key(doc: dict) -> tuple:
    return report_municipality(doc["municipality"]), doc["fiscal_year"], doc["department"]


def _settle(imports: list[FileImport]) -> list[FileImport]:
    """Which of the parsed files to store (see the module's docstring); returns them in order."""
    groups: dict[tuple, list[FileImport]] = defaultdict(list)
    for item in imports:
        if item.doc is not None:
            groups[_key(item.doc)].append(item)
    to_store = []
    for items in groups.values():
        latest = max(workflow.PHASES.index(i.doc["document"]) for i in items)
        current = [i for i in items if workflow.PHASES.index(i.doc["document"]) == latest]
        for item in items:
            if item not in current:
                item.status, item.other = "superseded", current[0].path
        distinct: list[FileImport] = []
        for item in current:
            same = next((d for d in distinct if d.doc == item.doc), None)
            if same is None:
                distinct.append(item)
            else:
                item.status, item.other = "same", same.path
        if len(distinct) > 1:
            for item in current:
                rival = next(d for d in distinct if d.doc != item.doc)
                item.status, item.other = "failed", rival.path
                item.error = (f"{item.path}: {rival.path.name} と同じ部・年度で内容が違います。"
                              "取り込む方を残し、もう一方をフォルダーから移してください")
            continue
        to_store.append(distinct[0])
    return sorted(to_store, key=lambda i: str(i.path))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0][:300] if text else "") or type(exc).__name__


def _unexpected(item: FileImport, exc: BaseException, what: str) -> None:
    # A bug, or a value the gate (normalise) should have refused: the person gets one line, the
    # operator the traceback, and the next file is read all the same.
    logger.error("%s: %s failed", item.path, what, exc_info=(type(exc), exc, exc.__traceback__))
    item.status, item.unexpected = "failed", True
    item.error = f"{item.path}: 予期しないエラーで{'保存' if what == 'store' else '読み取り'}できませんでした（{type(exc).__name__}）"


def file_store(*, item: FileImport, state: str, replace_published: bool = False) -> None:
    """Store one parsed file in a transaction of its own; a refusal leaves nothing of it."""
    try:
        with transaction.atomic():
            stored = report_import(doc=item.doc, source=str(item.path), state=state,
                                   provenance=item.provenance, replace_published=replace_published)
    except ReportError as exc:
        item.status, item.error = "failed", f"{item.path}: {exc}"
    except WouldLose as exc:
        item.status, item.error = "failed", f"{item.path}: {' / '.join(exc.messages)}（--replace-published）"
    except (DatabaseError, ValidationError, OverflowError) as exc:
        # What the database (or a model's validation) refused: the value normalise let through.
        logger.warning("%s: the database refused the report", item.path, exc_info=True)
        item.status, item.error = "failed", f"{item.path}: 保存できませんでした（{_first_line(exc)}）"
    except Exception as exc:
        _unexpected(item, exc, "store")
    else:
        item.declaration, item.status = stored.declaration, stored.action


def file_parse(path: Path, *, seconds: float = PARSE_SECONDS,
               parse: Callable[..., dict | tuple] = parse_path_with_provenance_limited) -> FileImport:
    """``parse`` gives the report, or the report and its provenance."""
    item = FileImport(path)
    try:
        read = parse(path, seconds=seconds)
        if isinstance(read, tuple):
            read, item.provenance = read
        item.doc = normalise(read)
    except ParseError as exc:
        item.error = str(exc)
    except ReportError as exc:  # a document that breaks the format
        item.error = f"{path}: {exc}"
    except Exception as exc:
        _unexpected(item, exc, "parse")
    else:
        item.status = "parsed"
        item.review = review_notes(item.doc)
    return item


def folder_import(*, folder: Path, state: str = PublicationState.PUBLISHED, seconds: float = PARSE_SECONDS,
                  replace_published: bool = False,
                  parse: Callable[..., dict | tuple] = parse_path_with_provenance_limited,
                  done: Callable[[FileImport], None] | None = None,
                  progress: Callable[[str, int, int, Path | None], None] | None = None) -> list[FileImport]:
    """Parse every report file in ``folder``, then store what should be stored (one
    transaction per file). Returns one ``FileImport`` per file, in the files' order.

    ``done(item)`` is called once per file as soon as what became of it is final — a refusal
    when it is read, a stored report when its transaction commits — so a person sees each
    line when it happens, and an import stopped midway has said what it stored.
    ``progress(phase, count, total, path)`` ("read" or "store") before each step."""
    told: set[int] = set()

    def tell(item: FileImport) -> None:
        if done is not None and id(item) not in told:
            told.add(id(item))
            done(item)

    paths = report_files(folder)
    imports = []
    for count, path in enumerate(paths):
        if progress is not None:
            progress("read", count, len(paths), path)
        item = file_parse(path, seconds=seconds, parse=parse)
        imports.append(item)
        if not item.ok:
            tell(item)
    to_store = _settle(imports)
    for item in imports:
        if item.status in ("failed", "superseded"):
            tell(item)
    for count, item in enumerate(to_store):
        if progress is not None:
            progress("store", count, len(to_store), item.path)
        file_store(item=item, state=state, replace_published=replace_published)
        tell(item)
        for other in imports:  # the files with the same content end as this one did
            if other.status == "same" and other.other == item.path:
                if not item.ok:
                    other.status, other.error = "failed", item.error.replace(str(item.path), str(other.path), 1)
                else:
                    other.declaration = item.declaration
                tell(other)
    if progress is not None:
        progress("store", len(to_store), len(to_store), None)
    return imports
