from sengen.core import forms as core_forms
from sengen.core.report import dumps
from sengen.declarations.forms import forms_known
from sengen.parsers import ParseError
from sengen.parsers.limits import parse_path_limited

from ._base import SengenCommand, UsageError


class Command(SengenCommand):
    help = "報告（PDF / XLSX / テキスト / JSON）を読み、sengen.report/1 の JSON を標準出力に書きます。何も保存しません。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="報告のファイル（市が公開した PDF、Excel（XLSX）、PDF から抽出したテキスト、または JSON）")
        add_form_option(parser)

    def handle(self, *args, **options):
        form = resolve_form(options["form"]) if options["form"] else None
        doc = read_report(options["file"], form=form, forms=offered_forms())
        self.stdout.write(dumps(doc), ending="")


def add_form_option(parser) -> None:
    parser.add_argument("--form", metavar="CODE",
                        help="表の様式（sengen form list の code か番号）。省略すると見出し行から判定します")


def offered_forms() -> list[core_forms.Form]:
    """The forms the readers are offered for a file: the stored ones (``forms_known``: each
    city's own before the presets, so a city's copy of a preset is recognised as the city's),
    then any preset not stored. Only the presets when the database cannot say (not migrated yet:
    `sengen parse` needs no database)."""
    try:
        stored = forms_known()
    except Exception:  # no database, or not migrated: the presets still read every preset form
        return list(core_forms.presets().values())
    codes = {f.code for f in stored}
    return stored + [f for code, f in core_forms.presets().items() if code not in codes]


def resolve_form(key: str) -> core_forms.Form:
    """The form ``--form`` names: a stored form (its id or code, latest version), else a preset."""
    try:
        from sengen.declarations.forms import FormNotFound, form_current_version, form_get, form_of_version

        try:
            version = form_current_version(form_get(key))
            if version is not None:
                return form_of_version(version)
        except FormNotFound:
            pass
    except Exception:  # no database: the presets only
        pass
    preset = core_forms.presets().get(key)
    if preset is None:
        known = "、".join(core_forms.presets())
        raise UsageError(str(ParseError("form_unknown", name=key, known=known)))
    return preset


def read_report(path: str, *, form=None, forms=None) -> dict:
    """Parse ``path`` into a report, turning every way a file can be wrong into one line."""
    try:
        # Within the same time and memory budget as `sengen import`: a hostile file must not
        # hang the command or exhaust the machine.
        return parse_path_limited(path, form=form, forms=forms)
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
