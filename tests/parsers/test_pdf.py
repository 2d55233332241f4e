"""Ruled-table PDFs, read by the positions of their cells."""

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from sengen.parsers import ParseError, parse_bytes, parse_path

from .compare import declaration_of, differences, load_expected

SEED = Path(__file__).resolve().parents[1] / "fixtures" / "seed"
SEED_PDF = SEED / "h29-shiminseikatsu-achievement.pdf"


def test_seed_pdf_equals_seed_json_field_for_field():
    got = parse_path(SEED_PDF)
    assert differences(got, load_expected(SEED / "h29-shiminseikatsu-achievement.json")) == []


def _pdf_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_encrypted_pdf_is_refused_with_a_reason():
    writer = PdfWriter(clone_from=PdfReader(SEED_PDF))
    writer.encrypt(user_password="secret", owner_password="owner")
    with pytest.raises(ParseError, match="locked.pdf: PDF が暗号化されています。パスワードなしで保存し直してください"):
        parse_bytes(_pdf_bytes(writer), source="locked.pdf")


def test_a_pdf_without_text_is_a_scan():
    writer = PdfWriter()
    writer.add_blank_page(width=842, height=595)
    with pytest.raises(ParseError, match=r"PDF に文字の情報がありません（スキャンした画像？）。先に OCR"):
        parse_bytes(_pdf_bytes(writer), source="scan.pdf")


def test_a_broken_pdf_is_refused():
    data = SEED_PDF.read_bytes()[:2000]
    with pytest.raises(ParseError) as err:
        parse_bytes(data, source="broken.pdf")
    assert str(err.value).startswith("broken.pdf")


def test_only_the_first_page_is_not_a_report():
    reader = PdfReader(SEED_PDF)
    writer = PdfWriter()
    writer.add_page(reader.pages[1])  # page 2 has no title above its table
    with pytest.raises(ParseError, match="年度の入った表題"):
        parse_bytes(_pdf_bytes(writer), source="page2.pdf")


@pytest.mark.pdf
@pytest.mark.parametrize("kind", ["achievement_report", "declaration"])
def test_every_pdf_sengen_exports_parses_back_to_the_same_data(kind):
    from sengen.renderers import render

    want = load_expected(SEED / "h29-shiminseikatsu-achievement.json")
    if kind == "declaration":
        want = declaration_of(want)
    got = parse_bytes(render(want, "pdf"), source="export.pdf")
    assert differences(got, want) == []
