import argparse
import functools
import logging
from pathlib import Path

from django.conf import settings

from sengen.declarations.importing import (
    REPORT_SUFFIXES,
    FileImport,
    file_parse,
    file_store,
    folder_import,
    logger,
)
from sengen.declarations.models import PublicationState
from sengen.parsers.limits import PARSE_SECONDS, parse_path_with_provenance_limited

from ._base import SengenCommand, UsageError, summary
from .parse import add_form_option, offered_forms, resolve_form

_STATUS_WORDS = {
    "same": "同じ報告です（{other} と同じ内容のため、改めて保存しません）",
    "superseded": "読み込みましたが保存しません（同じ部・年度の後の段階の報告 {other} を保存します）",
}


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"秒数を指定してください: {value!r}") from None
    if not 0 < seconds <= 3600:
        raise argparse.ArgumentTypeError(f"0 より大きく 3600 以下の秒数を指定してください: {value!r}")
    return seconds


def _line(item: FileImport, *, with_path: bool) -> str:
    """One line per file: what was read and stored, and what a person should check."""
    if item.status in _STATUS_WORDS:
        what = _STATUS_WORDS[item.status].format(other=item.other.name if item.other else "")
        if item.status == "superseded":
            doc = item.doc
            what = (f"{doc['fiscal_year_label']} {doc['department']} "
                    f"（取組 {len(doc['initiatives'])} 件）を{what}")
    else:
        what = summary(item.declaration, item.doc, item.status)
    if item.review and item.status != "same":  # the same notes stand on the line of the file it repeats
        what += f" 要確認: {'、'.join(item.review)}"
    return f"{item.path}: {what}" if with_path else what


class _Bar:
    """A one-line progress bar on stderr, redrawn in place (\\r); only on a terminal, so a log
    or a pipe gets the file lines alone."""

    WIDTH = 24

    def __init__(self, stream):
        self.stream = stream
        self.on = stream.isatty()
        self.last = ""

    def show(self, phase: str, count: int, total: int, path: Path | None) -> None:
        if not self.on or not total:
            return
        filled = self.WIDTH * count // total
        word = {"read": "読み取り", "store": "保存"}[phase]
        name = path.name[:40] if path is not None else ""
        self.last = f"\r{word} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {count}/{total} {name}\x1b[K"
        self.stream.write(self.last, ending="")
        self.stream.flush()

    def clear(self) -> None:
        if self.on and self.last:
            self.stream.write("\r\x1b[K", ending="")
            self.stream.flush()

    def redraw(self) -> None:
        if self.on and self.last:
            self.stream.write(self.last, ending="")
            self.stream.flush()


def _log_file() -> Path | None:
    """Where the traceback of an unexpected failure goes when nothing else is configured: a
    file beside the data, never the terminal, whose reader gets one line per file."""
    if logger.hasHandlers():
        return None
    path = Path(settings.DATA_DIR) / "sengen-import.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)  # created only when written
    except OSError:
        logger.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    return path


class Command(SengenCommand):
    help = ("報告（PDF / XLSX / テキスト / JSON）を読み込んで保存します。フォルダーを指定すると、その中の報告の"
            "ファイルをすべて読み込みます。同じ部・年度の報告をもう一度読み込むと、重複させずに内容を置き換えます。")

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE|DIR",
                            help="報告のファイル（市が公開した PDF、Excel の XLSX、PDF から抽出したテキスト、JSON）"
                                 f"またはそれらを入れたフォルダー（{' / '.join(s[1:] for s in REPORT_SUFFIXES)}）")
        parser.add_argument(
            "--state", choices=PublicationState.values, default=PublicationState.PUBLISHED,
            help="公開状態（既定: published。市が公開済みの報告を取り込む用途のため）",
        )
        parser.add_argument("--replace-published", action="store_true",
                            help="公開中の報告の状態を下げる、または部長が確定した評価を置き換える取込も保存します"
                                 "（指定しないときはそうなる報告を保存しません）")
        parser.add_argument("--time-limit", type=_seconds, default=PARSE_SECONDS, metavar="SECONDS",
                            help=f"1 ファイルを読む時間の上限（秒、既定: {PARSE_SECONDS:g}）。超えたファイルは読み込みません")
        add_form_option(parser)

    def handle(self, *args, **options):
        self.log = _log_file()
        path = Path(options["path"])
        # The reader names the form from the header among the stored forms and presets; --form forces one.
        form = resolve_form(options["form"]) if options["form"] else None
        self.parse = functools.partial(parse_path_with_provenance_limited, form=form, forms=offered_forms())
        if path.is_dir():
            return self._folder(path, options)
        item = file_parse(path, seconds=options["time_limit"], parse=self.parse)
        if not item.ok:
            raise UsageError(self._error(item))
        self.require_migrated_database()
        file_store(item=item, state=options["state"], replace_published=options["replace_published"])
        if not item.ok:
            raise UsageError(self._error(item))
        self.stdout.write(_line(item, with_path=False))

    def _error(self, item: FileImport) -> str:
        where = f"。詳細は {self.log} にあります" if item.unexpected and self.log else ""
        return item.error + where

    def _folder(self, folder: Path, options) -> None:
        self.require_migrated_database()
        bar = _Bar(self.stderr)
        finished: list[FileImport] = []

        def done(item: FileImport) -> None:
            # Each file's line as soon as it is final, flushed: a log read live, or an import
            # stopped with Ctrl-C, shows what was stored.
            bar.clear()
            if item.ok:
                self.stdout.write(_line(item, with_path=True))
                self.stdout.flush()
            else:
                error = self._error(item).removeprefix(f"{item.path}: ")
                self.stderr.write(f"{item.path}: 読み込めません: {error}")
                self.stderr.flush()
            finished.append(item)
            bar.redraw()

        try:
            imports = folder_import(folder=folder, state=options["state"], seconds=options["time_limit"],
                                    replace_published=options["replace_published"],
                                    done=done, progress=bar.show, parse=self.parse)
        except OSError as exc:
            bar.clear()
            raise UsageError(f"{folder}: フォルダーを読めません（{exc.strerror or exc}）") from None
        except KeyboardInterrupt:
            bar.clear()
            stored = sum(i.status in ("created", "updated") for i in finished)
            error = UsageError(f"中断しました。上の行のとおり {len(finished)} ファイルを終え、うち {stored} ファイルを保存しました"
                               "（保存の途中だったファイルは保存していません）")
            error.returncode = 130
            raise error from None
        bar.clear()
        if not imports:
            raise UsageError(f"{folder}: 報告のファイル（{' / '.join(s[1:] for s in REPORT_SUFFIXES)}）がありません")
        failed = sum(not i.ok for i in imports)
        counts = {status: sum(i.status == status for i in imports)
                  for status in ("created", "updated", "unchanged", "same", "superseded")}
        words = {"created": "登録", "updated": "更新", "unchanged": "変更なし", "same": "同じ報告",
                 "superseded": "保存せず"}
        detail = "、".join(f"{words[s]} {n}" for s, n in counts.items() if n)
        self.stdout.write(f"{len(imports)} ファイル: 読み込み {len(imports) - failed}（{detail or 'なし'}）、失敗 {failed}")
        if failed:
            raise UsageError(f"{failed} 件のファイルを読み込めませんでした（上の行を参照）")
