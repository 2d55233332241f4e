"""Fuzzing the two doors a file comes in by: ``parse`` (every reader) and the store step
(``report_import`` through the import code path).

Every outcome must be a report, or a refusal — ``ParseError`` / ``ReportError`` /
``ValidationError`` — whose message is one line; never another exception, and a refused store
leaves every row count as it was. Inputs are mutations of real reports: the seed and the test
corpus as text, JSON documents with wrong types, lone surrogates, huge integers, deep nesting
and long strings, workbooks with hostile cells and sheet names, and byte-level mutations and
truncations of a workbook and a PDF. `make test` runs a bounded number of examples
(conftest.py); ``SENGEN_FUZZ_EXAMPLES=5000`` runs more.
"""

from __future__ import annotations

import copy
import io
import json
import signal
import warnings
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from sengen.core.report import ReportError, normalise
from sengen.parsers import ParseError, parse_bytes

from ..core.documents import json_paths
from .conftest import FUZZ_EXAMPLES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEED_JSON = FIXTURES / "seed" / "h29-shiminseikatsu-achievement.json"
TEXTS = sorted(FIXTURES.glob("**/*.txt"))
PDFS = [FIXTURES / "seed" / "h29-shiminseikatsu-achievement.pdf", *sorted((FIXTURES / "pdf").glob("*.pdf"))[:2]]
XLSX = sorted(FIXTURES.glob("xlsx/*.xlsx"))


def fuzz(share: float = 1.0):
    """The profile of conftest.py with ``share`` of its examples."""
    return settings(settings.get_profile("sengen-fuzz"), max_examples=max(5, int(FUZZ_EXAMPLES * share)))


class _Slow(Exception):
    pass


@contextmanager
def _alarm(seconds: int):
    # A parse outside the child of limits.py has no budget: a mutated PDF that makes pdfminer
    # crawl is cut here and counts as what the budget would make of it, a refusal.
    def ring(signum, frame):
        raise _Slow

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_report_or_refusal(data: bytes, source: str) -> dict | None:
    """``parse`` gives a report the gate takes as it is, or a one-line ParseError."""
    try:
        with _alarm(20):
            doc = parse_bytes(data, source=source)
    except ParseError as exc:
        line = str(exc)
        assert "\n" not in line and line.startswith(source), line
        assert len(line) < 1000, line[:200]
        line.encode("utf-8")
        return None
    except _Slow:
        return None
    assert normalise(doc) == doc
    json.dumps(doc, ensure_ascii=False).encode("utf-8")  # writable as the JSON `sengen parse` prints
    return doc


# --- mutations -----------------------------------------------------------------------------

_byte_edit = st.tuples(st.sampled_from(["flip", "delete", "insert", "duplicate", "truncate"]),
                       st.floats(0, 1), st.binary(min_size=1, max_size=16))


def mutate_bytes(data: bytes, edits) -> bytes:
    for op, where, blob in edits:
        at = int(where * len(data))
        if op == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ blob[0]]) + data[at + 1:]
        elif op == "delete":
            data = data[:at] + data[at + len(blob) * 8:]
        elif op == "insert":
            data = data[:at] + blob + data[at:]
        elif op == "duplicate":
            data = data[:at] + data[at:at + 64] + data[at:]
        else:
            data = data[:at]
    return data


# Text as a hostile person or a broken extraction writes it: lone surrogates included (what
# the readers get from a PDF's ToUnicode map can be anything).
_any_text = st.text(st.characters(), max_size=40)
_text_edit = st.tuples(st.sampled_from(["insert", "delete_line", "duplicate_line", "digits", "long"]),
                       st.floats(0, 1), _any_text)


def mutate_text(text: str, edits) -> str:
    lines = text.split("\n")
    for op, where, blob in edits:
        at = int(where * len(lines)) % max(len(lines), 1)
        if op == "insert":
            line = lines[at] if lines else ""
            cut = int(where * len(line))
            lines[at:at + 1] = [line[:cut] + blob + line[cut:]]
        elif op == "delete_line" and lines:
            del lines[at]
        elif op == "duplicate_line" and lines:
            lines.insert(at, lines[at])
        elif op == "digits" and lines:
            lines[at] = "".join("９" if c.isdigit() else c for c in lines[at]) + "9" * 30
        elif op == "long" and lines:
            lines[at] = lines[at] + "あ" * 25_000
    return "\n".join(lines)


SEED = json.loads(SEED_JSON.read_text("utf-8"))
SEED_PATHS = [p for p in json_paths(SEED) if p]


def _deep(depth: int):
    value: object = "x"
    for _ in range(depth):
        value = [value]
    return value


_hostile = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=2**31, max_value=10**40),
    st.integers(max_value=-1), st.floats(allow_nan=True, allow_infinity=True),
    _any_text, st.sampled_from(["\ud800", "a\udfffb", "\x00", "", " ", "$\\frac{1}{0}$", "<meta http-equiv=refresh>"]),
    st.sampled_from([2001, 20_001, 210_000]).map(lambda n: "字" * n),
    st.lists(_any_text, max_size=3), st.dictionaries(_any_text, _any_text, max_size=2),
    st.sampled_from([50, 500]).map(_deep),
    st.sampled_from([101, 1000]).map(lambda n: [copy.deepcopy(SEED["initiatives"][0]) | {"number": i}
                                                for i in range(n)]),
)


def _set(doc, path, value):
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@st.composite
def mutated_documents(draw):
    doc = copy.deepcopy(SEED)
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(SEED_PATHS))
        try:
            _set(doc, path, draw(_hostile))
        except (KeyError, IndexError, TypeError):  # an earlier edit replaced its parent
            pass
    return doc


def json_bytes(doc) -> bytes:
    try:
        # ensure_ascii: a lone surrogate goes as the "\ud800" escape a hostile file would hold.
        return json.dumps(doc).encode("ascii")
    except (RecursionError, ValueError):  # 5,000 levels deep; a 5,000-digit int
        return b'{"schema": "sengen.report/1", "initiatives": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


# --- parse ---------------------------------------------------------------------------------

@fuzz(1.5)
@given(st.sampled_from(TEXTS), st.lists(_text_edit, min_size=1, max_size=4), st.sampled_from(["utf-8", "cp932"]))
def test_mutated_text_is_read_or_refused(path, edits, encoding):
    text = mutate_text(path.read_text("utf-8"), edits)
    data = text.encode(encoding, errors="replace" if encoding == "cp932" else "surrogatepass")
    assert_report_or_refusal(data, f"{path.stem}.txt")


@fuzz(2)
@given(mutated_documents())
def test_mutated_json_is_read_or_refused(doc):
    assert_report_or_refusal(json_bytes(doc), "report.json")


@fuzz(1.5)
@given(mutated_documents(), st.lists(_text_edit, max_size=4))
def test_sengens_own_csv_of_a_hostile_report_mutated_is_read_or_refused(doc, edits):
    """The open-data CSV sengen writes, of any document, then edited: parsers/csv_report.py reads
    it or refuses it (issue 12, part 3)."""
    from sengen.renderers import render

    try:
        text = render(doc, "csv").decode("utf-8-sig")
    except RecursionError:  # 5,000 levels deep: no CSV to write
        return
    data = ("\ufeff" + mutate_text(text, edits)).encode("utf-8", errors="surrogatepass")
    assert_report_or_refusal(data, "report.csv")


def _workbook(cells, sheet_name) -> bytes:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    book = load_workbook(XLSX[0])
    sheet = book.worksheets[0]
    for (row, column), value in cells:
        try:
            sheet.cell(row=row, column=column, value=value)
        except (ValueError, TypeError, AttributeError, IllegalCharacterError):  # what openpyxl refuses to hold
            pass
    if sheet_name:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                sheet.title = sheet_name
        except ValueError:
            pass
    out = io.BytesIO()
    try:
        book.save(out)
    except (ValueError, TypeError, UnicodeEncodeError):  # a value openpyxl took but cannot write
        return XLSX[0].read_bytes()
    return out.getvalue()


_cell_value = st.one_of(st.none(), st.integers(-10**30, 10**30), st.floats(allow_nan=False), _any_text,
                        st.sampled_from(["=1/0", "No.", "一", "9" * 40, "字" * 3000, "令和99年度", "\ud800"]))


@fuzz(0.75)
@given(st.lists(st.tuples(st.tuples(st.integers(1, 30), st.integers(1, 9)), _cell_value), min_size=1, max_size=8),
       st.one_of(st.none(), _any_text.map(lambda s: s[:31])))
def test_a_workbook_with_hostile_cells_is_read_or_refused(cells, sheet_name):
    assert_report_or_refusal(_workbook(cells, sheet_name), "book.xlsx")


@fuzz(0.75)
@given(st.lists(_byte_edit, min_size=1, max_size=4))
def test_a_mutated_workbook_file_is_read_or_refused(edits):
    assert_report_or_refusal(mutate_bytes(XLSX[0].read_bytes(), edits), "book.xlsx")


@fuzz(0.75)
@given(st.sampled_from(PDFS), st.lists(_byte_edit, min_size=1, max_size=3))
def test_a_mutated_or_truncated_pdf_is_read_or_refused(path, edits):
    assert_report_or_refusal(mutate_bytes(path.read_bytes(), edits), path.name)


# --- the store step ------------------------------------------------------------------------

def _counts() -> dict[str, int]:
    from django.apps import apps

    return {model.__name__: model.objects.count() for model in apps.get_app_config("declarations").get_models()}


@pytest.mark.django_db
@fuzz(1)
@given(mutated_documents())
def test_the_store_step_stores_or_refuses_and_a_refusal_leaves_nothing(doc):
    from sengen.declarations.importing import FileImport, file_store
    from sengen.declarations.services.imports import report_import

    before = _counts()
    # The service itself: a refusal is one of the three, and nothing of it is written.
    try:
        report_import(doc=copy.deepcopy(doc), source="fuzz.json")
    except (ReportError, ValidationError) as exc:
        assert "\n" not in str(exc).strip(), str(exc)
        assert _counts() == before
    # The import code path (`sengen import`): never raises, one line when it fails.
    before = _counts()
    item = FileImport(Path("fuzz.json"), status="parsed", doc=doc)
    try:
        item.doc = normalise(doc)
    except ReportError:
        return  # file_parse says so; tests/declarations/test_import_robust.py covers the line
    file_store(item=item, state="draft")
    if not item.ok:
        assert "\n" not in item.error and not item.unexpected, item.error
        assert _counts() == before
