"""Files that would cost more than a refusal are refused: XLSX bombs, slow files, memory hogs."""

from __future__ import annotations

import io
import os
import struct
import threading
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from sengen.parsers import ParseError, limits, parse_bytes, parse_path
from sengen.parsers.limits import call_with_budget, parse_path_limited
from sengen.parsers.xlsx import MAX_ROWS

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed" / "h29-shiminseikatsu-achievement"


def _workbook() -> bytes:
    wb = Workbook()
    wb.active.append(["平成29年度 市民生活部長の目標宣言"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            z.writestr(item.filename, (replace or {}).get(item.filename, source.read(item)))
        for name, content in (add or {}).items():
            z.writestr(name, content)
    return out.getvalue()


# --- XLSX bombs ------------------------------------------------------------------------------

def test_a_part_that_inflates_hundreds_of_times_is_refused_before_it_is_inflated():
    # 8 MiB of one repeated cell: a few kilobytes compressed.
    bomb = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>a</t></si>" * 500_000
    data = _rezip(_workbook(), add={"xl/sharedStrings.xml": bomb})
    assert len(data) < 100_000
    with pytest.raises(ParseError, match=r"xl/sharedStrings.xml は展開すると.*倍（.*バイト）になります。ブックの部品は200倍までです（zip 爆弾？）"):
        parse_bytes(data, source="bomb.xlsx")


def test_a_workbook_of_too_many_parts_is_refused():
    data = _rezip(_workbook(), add={f"xl/media/image{i}.png": b"x" for i in range(limits.ZIP_MAX_ENTRIES + 1)})
    with pytest.raises(ParseError, match=r"ブックの部品が1,0\d\d個あります。報告のブックは1,000個までです（zip 爆弾？）"):
        parse_bytes(data, source="many.xlsx")


def test_a_workbook_that_inflates_past_the_total_is_refused():
    # Parts of 4 MiB that compress some tens of times (not a bomb each), too many together.
    part = os.urandom(16 * 1024) * 256
    parts = {f"xl/media/part{i}.bin": part for i in range(limits.ZIP_MAX_TOTAL // len(part) + 1)}
    data = _rezip(_workbook(), add=parts)
    with pytest.raises(ParseError, match="ブックを展開すると.*バイトになります。報告のブックは104,857,600バイトまでです"):
        parse_bytes(data, source="big.xlsx")


def _understate_size(data: bytes, name: str, size: int) -> bytes:
    """The zip with ``name``'s declared uncompressed size replaced by ``size``, in its local
    header and in the central directory: a zip that lies about what it inflates to."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, size_offset, name_offset in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        start = 0
        while (i := out.find(signature, start)) >= 0:
            if out[i + name_offset:i + name_offset + len(encoded)] == encoded:
                out[i + size_offset:i + size_offset + 4] = struct.pack("<I", size)
            start = i + 4
    return bytes(out)


def test_a_zip_that_understates_what_a_part_inflates_to_inflates_no_further():
    """The check reads declared sizes; zipfile (and so openpyxl) stops each part at its declared
    size, so the lie ends in a damaged part, not in 50 MiB of XML."""
    bomb = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + b" " * (50 * 1024 * 1024) + b"</sheetData></worksheet>")
    data = _understate_size(_rezip(_workbook(), replace={"xl/worksheets/sheet1.xml": bomb}),
                            "xl/worksheets/sheet1.xml", 2000)
    started = time.monotonic()
    with pytest.raises(ParseError, match="XLSX のブックとして読めません"):
        parse_bytes(data, source="liar.xlsx")
    assert time.monotonic() - started < 5


def test_entity_expansion_in_a_workbooks_xml_is_refused_as_unsafe():
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
              b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
              b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol3;</t></si></sst>')
    data = _rezip(_workbook(), add={"xl/sharedStrings.xml": laughs})
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = zipfile.ZipFile(io.BytesIO(data)).read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>", b'<Relationship Id="rIdSST" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    data = _rezip(data, replace={"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels})
    with pytest.raises(ParseError, match="エンティティを宣言しています.*安全のため読みません"):
        parse_bytes(data, source="laughs.xlsx")


def test_a_sheet_with_content_past_the_row_limit_is_refused():
    wb = Workbook()
    wb.active.append(["平成29年度 市民生活部長の目標宣言"])
    wb.active.cell(row=MAX_ROWS + 1, column=1, value="x")
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ParseError, match="シートに5,000行を超えるデータがあります"):
        parse_bytes(out.getvalue(), source="long.xlsx")


def test_an_encrypted_workbook_says_so():
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = io.BytesIO(_workbook())
    locked = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", locked)
    assert msoffcrypto.olefile.isOleFile(io.BytesIO(locked.getvalue()))
    with pytest.raises(ParseError, match="ブックが暗号化（パスワードで保護）されています。パスワードなしで保存し直してください"):
        parse_bytes(locked.getvalue(), source="locked.xlsx")


def test_an_old_xls_says_so():
    olefile = pytest.importorskip("olefile")
    assert olefile.MAGIC == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    with pytest.raises(ParseError, match=r"Excel 97-2003 のブック（\.xls）.*\.xlsx で保存し直してください"):
        parse_bytes(olefile.MAGIC + b"\x00" * 504 + "Workbook".encode("utf-16-le"), source="old.xls")


def test_a_truncated_workbook_is_refused():
    with pytest.raises(ParseError, match="zip が壊れているか、途中で切れています"):
        parse_bytes(_workbook()[:3000], source="cut.xlsx")


# --- PDFs of too many pages ------------------------------------------------------------------

def test_a_pdf_of_thousands_of_pages_is_refused_from_its_page_count_at_once():
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(5000):
        writer.add_blank_page(width=842, height=595)
    out = io.BytesIO()
    writer.write(out)
    started = time.monotonic()
    with pytest.raises(ParseError, match="PDF が5,000ページあります。報告は300ページまでです"):
        parse_bytes(out.getvalue(), source="many.pdf")
    assert time.monotonic() - started < 2  # pdfplumber would first build 5,000 pages


# --- a budget for one parse ------------------------------------------------------------------

def _slow(path):
    time.sleep(30)


def _hungry(path):
    return bytearray(2 * 1024 ** 3)


def _buggy(path):
    raise KeyError("cells")


def _vanishing(path):
    os._exit(3)


def _refusing(path):
    raise ParseError("pdf_no_table", source=path, page=2)


def test_a_parse_that_overruns_its_time_is_stopped_at_the_budget():
    started = time.monotonic()
    with pytest.raises(ParseError, match=r"読み取りが1ファイルの制限時間 0.5 秒を超えたので止めました") as err:
        call_with_budget(_slow, "slow.pdf", source="slow.pdf", seconds=0.5)
    assert time.monotonic() - started < 5
    assert str(err.value).startswith("slow.pdf: ")


def test_a_parse_that_needs_too_much_memory_is_stopped():
    with pytest.raises(ParseError, match="1ファイルの上限 256 MiB を超えるメモリーが要るので止めました"):
        call_with_budget(_hungry, "big.pdf", source="big.pdf", memory=256 * 1024 ** 2)


def test_a_readers_bug_and_a_dying_reader_end_in_one_line():
    with pytest.raises(ParseError, match=r"このファイルで読み取りの処理が失敗しました（KeyError: 'cells'）"):
        call_with_budget(_buggy, "x.pdf", source="x.pdf")
    with pytest.raises(ParseError, match=r"読み取りの処理が結果を返さずに終了しました（終了コード 3）"):
        call_with_budget(_vanishing, "x.pdf", source="x.pdf")


def test_a_parse_error_comes_back_as_it_was_raised():
    with pytest.raises(ParseError) as err:
        call_with_budget(_refusing, "r.pdf", source="r.pdf")
    assert str(err.value) == "r.pdf: 2ページ: 罫線で囲んだ表とその見出し行（No. / 取組名 / 取組内容 / 達成目標 …）が見つかりません"
    assert (err.value.code, err.value.page) == ("pdf_no_table", 2)


@pytest.mark.parametrize("suffix", [".json", ".txt", ".pdf"])
def test_a_limited_parse_reads_what_an_unlimited_one_reads(suffix):
    assert parse_path_limited(SEED.with_suffix(suffix)) == parse_path(SEED.with_suffix(suffix))


def test_a_real_file_over_its_budget_is_stopped(tmp_path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for _ in range(10):
        for page in PdfReader(SEED.with_suffix(".pdf")).pages:
            writer.add_page(page)
    path = tmp_path / "long.pdf"
    with path.open("wb") as out:
        writer.write(out)
    with pytest.raises(ParseError, match="制限時間 0.2 秒を超えた"):
        parse_path_limited(path, seconds=0.2)


# --- the same budget from a threaded web server -----------------------------------------------

def test_from_a_thread_a_slow_reader_is_stopped_at_the_budget():
    """The staff import runs in a server's thread: its child comes from the fork server, and is
    stopped as the CLI's is."""
    from tests.parsers.budget_helpers import spin_forever

    outcome = {}

    def upload():
        started = time.monotonic()
        try:
            call_with_budget(spin_forever, b"", "slow.pdf", source="slow.pdf", seconds=1, threaded=True)
        except ParseError as exc:
            outcome["error"] = str(exc)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=upload)
    thread.start()
    thread.join(30)
    assert outcome["error"].startswith("slow.pdf: ") and "制限時間 1 秒を超えたので止めました" in outcome["error"]
    assert outcome["seconds"] < 10


def test_from_a_thread_a_memory_hog_is_stopped():
    from tests.parsers.budget_helpers import allocate_too_much

    with pytest.raises(ParseError, match="上限 256 MiB を超えるメモリーが要るので止めました"):
        call_with_budget(allocate_too_much, b"", "big.xlsx", source="big.xlsx", memory=256 * 1024 ** 2,
                         threaded=True)


@pytest.mark.parametrize("suffix", [".txt", ".pdf", ".xlsx"])
def test_an_upload_read_in_the_fork_server_reads_as_in_process(suffix):
    from sengen.parsers import parse_with_provenance, source_pages
    from sengen.parsers.limits import read_upload_limited

    if suffix == ".xlsx":
        from sengen.renderers import render

        data = render(parse_path(SEED.with_suffix(".json")), "xlsx")
    else:
        data = SEED.with_suffix(suffix).read_bytes()
    doc, where, pages = read_upload_limited(data, source=f"h29{suffix}")
    assert (doc, where) == parse_with_provenance(data, source=f"h29{suffix}")
    assert pages == source_pages(data)


def test_an_upload_that_is_not_a_report_is_refused_as_in_process():
    from sengen.parsers.limits import read_upload_limited

    with pytest.raises(ParseError) as err:
        read_upload_limited("買い物リスト\n・牛乳\n".encode(), source="notes.txt")
    with pytest.raises(ParseError) as direct:
        parse_bytes("買い物リスト\n・牛乳\n".encode(), source="notes.txt")
    assert str(err.value) == str(direct.value)


def test_uploads_from_several_threads_at_once_each_get_their_reading_from_one_fork_server():
    """Threads of a web server read at the same time; the fork server is started once and reused."""
    import multiprocessing.forkserver
    from concurrent.futures import ThreadPoolExecutor

    from sengen.parsers.limits import read_upload_limited

    data = SEED.with_suffix(".txt").read_bytes()
    read_upload_limited(data, source="first.txt")
    server = multiprocessing.forkserver._forkserver._forkserver_pid
    with ThreadPoolExecutor(4) as pool:
        readings = list(pool.map(lambda i: read_upload_limited(data, source="h29.txt")[0], range(8)))
    assert all(doc == parse_bytes(data, source="h29.txt") for doc in readings)
    assert multiprocessing.forkserver._forkserver._forkserver_pid == server
