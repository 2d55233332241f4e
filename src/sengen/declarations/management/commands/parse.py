from sengen.core.report import dumps
from sengen.parsers import ParseError
from sengen.parsers.limits import parse_path_limited

from ._base import SengenCommand, UsageError


class Command(SengenCommand):
    help = "報告（PDF / XLSX / テキスト / JSON）を読み、sengen.report/1 の JSON を標準出力に書きます。何も保存しません。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="報告のファイル（市が公開した PDF、Excel（XLSX）、PDF から抽出したテキスト、または JSON）")

    def handle(self, *args, **options):
        doc = read_report(options["file"])
        self.stdout.write(dumps(doc), ending="")


def read_report(path: str) -> dict:
    """Parse ``path`` into a report, turning every way a file can be wrong into one line."""
    try:
        # Within the same time and memory budget as `sengen import`: a hostile file must not
        # hang the command or exhaust the machine.
        return parse_path_limited(path)
    except ParseError as exc:
        raise UsageError(str(exc)) from None
    except ValueError as exc:  # ReportError from a JSON report that breaks the format
        raise UsageError(str(exc)) from None
    except FileNotFoundError:
        raise UsageError(f"{path}: ファイルがありません") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: ファイルではなくディレクトリです") from None
    except PermissionError:
        raise UsageError(f"{path}: 読み取りが許可されていません") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: UTF-8 のテキストではありません（{exc.start} バイト目）") from None
    except OSError as exc:
        raise UsageError(f"{path}: 読み取れません（{exc.strerror or exc}）") from None
