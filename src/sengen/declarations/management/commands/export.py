import argparse
import os
import stat
import tempfile

from sengen.core.eras import parse_fiscal_year
from sengen.core.report import dumps
from sengen.declarations.forms import form_for_declaration
from sengen.declarations.selectors import (
    DeclarationNotFound,
    declaration_get,
    public_document,
    report_document,
)

from ._base import SengenCommand, UsageError

FORMATS = ("json", "csv", "xlsx", "html", "pdf")
# Formats that make sense on a terminal or in a pipe; the others are binary files.
TEXT_FORMATS = ("json", "csv", "html")


def fiscal_year_arg(value: str) -> int:
    """``2017`` or a label as people write it: ``平成29年度``, ``令和元年度``."""
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        return parse_fiscal_year(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度は 2017 や 平成29年度 のように指定してください: {value!r}") from None


def render(doc: dict, fmt: str, form=None) -> bytes:
    try:
        from sengen.renderers import render as render_with
    except ImportError:
        # Until the renderers land only JSON, which needs no renderer, can be written.
        if fmt == "json":
            return dumps(doc).encode("utf-8")
        raise UsageError(f"--format {fmt}: この形式の出力にはまだ対応していません") from None
    try:
        return render_with(doc, fmt, form=form)
    except (ValueError, KeyError, NotImplementedError) as exc:
        raise UsageError(f"--format {fmt}: 出力できません: {exc}") from None


def write_atomically(path: str, data: bytes, *, shown: str | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a failure leaves no half file."""
    directory = os.path.dirname(os.path.abspath(path))
    shown = shown or path
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".sengen-export-")
    except OSError as exc:
        raise UsageError(f"{shown}: 書き込めません（{exc.strerror or exc}）") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        os.unlink(tmp)
        raise UsageError(f"{shown}: 書き込めません（{exc.strerror or exc}）") from None


def write_output(path: str, data: bytes) -> None:
    """Write ``data`` to what ``path`` names, as it is: a device (/dev/null, a terminal) or a
    pipe is written through, never replaced by a file (as root, replacing /dev/null breaks the
    machine); a regular file, new or old, is replaced atomically, and through a symbolic link
    the file it points to is."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise UsageError(f"{path}: 書き込めません（{exc.strerror or exc}）") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise UsageError(f"{path}: ファイルではなくフォルダーです。書き出すファイルの名前を指定してください")
    if mode is None or stat.S_ISREG(mode):
        write_atomically(os.path.realpath(path), data, shown=path)
        return
    try:
        fd = os.open(path, os.O_WRONLY)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
    except OSError as exc:
        raise UsageError(f"{path}: 書き込めません（{exc.strerror or exc}）") from None


class Command(SengenCommand):
    help = "登録済みの目標宣言・報告を JSON / CSV / XLSX / HTML / PDF で書き出します。"

    def add_arguments(self, parser):
        parser.add_argument("--fiscal-year", required=True, type=fiscal_year_arg,
                            help="年度（2017 または 平成29年度）")
        parser.add_argument("--department", help="部の名前（例: 市民生活部）。--all のときは指定しません")
        parser.add_argument("--municipality", help="自治体名（複数の自治体を登録しているときに指定）")
        parser.add_argument("--format", choices=FORMATS, default="json", help="出力形式（既定: json）")
        parser.add_argument("-o", "--output", default="-",
                            help="出力先のファイル。- は標準出力（json / csv / html のみ。既定）")
        parser.add_argument("--all", action="store_true",
                            help="年度のすべての部を1つの ZIP に書き出します（部ごとの CSV・XLSX・JSON、年度全体の CSV、"
                                 "datapackage.json）。公開中の内容だけを書き出します。-o で ZIP のファイルを指定します")
        parser.add_argument("--draft", action="store_true",
                            help="公開中の内容ではなく、作成中を含む今の内容を書き出します（職員の確認用。公開用ではありません）")

    def handle(self, *args, **options):
        if options["all"]:
            return self.handle_year(options)
        if not options["department"]:
            raise UsageError("--department で部を指定してください（年度のすべての部なら --all）")
        fmt, output = options["format"], options["output"]
        if output == "-" and fmt not in TEXT_FORMATS:
            raise UsageError(f"--format {fmt} は標準出力に書けません: -o でファイルを指定してください")
        self.require_migrated_database()
        try:
            declaration = declaration_get(fiscal_year=options["fiscal_year"], department=options["department"],
                                          municipality=options["municipality"])
        except DeclarationNotFound as exc:
            raise UsageError(str(exc)) from None
        # The form the report was made with (a city's own stored form included), not only the
        # one the document names among the presets.
        data = render(self.document(declaration, draft=options["draft"]), fmt, form_for_declaration(declaration))
        if output == "-":
            self.stdout.write(data.decode("utf-8"), ending="")
        else:
            write_output(output, data)

    @staticmethod
    def document(declaration, *, draft: bool) -> dict:
        """What citizens read (the last publication or correction), or with ``--draft`` the live
        rows: a report reopened for its next phase once exported as the draft, not what was
        published (issue 12.4)."""
        if draft:
            return report_document(declaration=declaration)
        doc = public_document(declaration=declaration)
        if doc is None:
            raise UsageError(f"{declaration}の{declaration.get_phase_display()}はまだ公開されていません"
                             "（作成中の内容を書き出すときは --draft）")
        return doc

    def handle_year(self, options) -> None:
        """The year's open-data ZIP (renderers/opendata.py) of what citizens read, or with
        ``--draft`` of the live rows; one line per department as it is written."""
        from sengen.core import workflow
        from sengen.declarations.opendata import year_reports
        from sengen.renderers.opendata import DEPARTMENTS_DIR, year_zip

        if options["department"]:
            raise UsageError("--all は年度のすべての部を書き出します。--department とは一緒に指定できません")
        if options["output"] == "-":
            raise UsageError("--all は ZIP を書き出します: -o でファイルを指定してください（例: -o 2017.zip）")
        if options["format"] != "json":
            raise UsageError("--all の ZIP には CSV・XLSX・JSON がすべて入ります。--format は指定しません")
        self.require_migrated_database()
        try:
            year = year_reports(fiscal_year=options["fiscal_year"], municipality=options["municipality"],
                                draft=options["draft"])
        except DeclarationNotFound as exc:
            raise UsageError(str(exc)) from None

        def written(stem: str, doc: dict) -> None:
            phase = workflow.DOCUMENT_NAMES.get(doc["document"], doc["document"])
            self.stdout.write(f"{doc['department']}: {phase}（{DEPARTMENTS_DIR}/{stem}.csv / .xlsx / .json）")

        data = year_zip(year.reports, **year.zip_arguments(), progress=written)
        write_output(options["output"], data)
        what = "作成中を含む内容" if options["draft"] else "公開中の内容"
        self.stdout.write(f"{year.municipality} {year.label}の{len(year.reports)}部（{what}）を "
                          f"{options['output']} に書き出しました（{len(data):,} バイト）")
