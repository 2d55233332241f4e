"""``sengen form list|show|load|blank``: the forms (様式) a programme office defines and sends out.

One command with subcommands, as people say it: 「様式を一覧する・見る・登録する・白紙を作る」.
Every mistake (an unknown form, a file that cannot be read, a definition refused at a JSON path,
an output that cannot be written) is one line on stderr and exit status 2, and stores nothing.
"""

from __future__ import annotations

import argparse
import json

from django.core.exceptions import ValidationError
from django.db import transaction

from sengen.core import forms as core_forms
from sengen.core.eras import fiscal_year_label
from sengen.core.workflow import PHASES
from sengen.declarations.forms import (
    FormNotFound,
    form_current_version,
    form_get,
    form_of_version,
    form_stored,
    form_version_get,
    forms_list,
    report_count,
)
from sengen.declarations.models import Municipality
from sengen.declarations.services.forms import form_assign, form_load
from sengen.declarations.services.imports import municipality_for_report
from sengen.renderers.xlsx_blank import DEFAULT_ROWS, MAX_ROWS, blank_workbook

from ._base import SengenCommand, UsageError, _one_line_error
from .export import fiscal_year_arg, write_output

PRESET_LABEL = "プリセット"
MAX_DEFINITION_BYTES = 1_000_000  # a real form's definition is a few kilobytes


def positive_int(value: str) -> int:
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"1 以上の整数を指定してください: {value!r}")
    return int(value)


class Command(SengenCommand):
    help = "様式（報告の書式）の一覧・表示・登録と、部に配る白紙の Excel を作ります。"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", metavar="{list,show,load,blank}", required=True)

        def sub(name: str, help_text: str):
            sub_parser = commands.add_parser(name, help=help_text, description=help_text)
            # Django gives the subcommand's parser its own class but not the one-line error.
            sub_parser.error = _one_line_error(sub_parser)
            return sub_parser

        listing = sub("list", "様式の一覧（コード、名称、自治体またはプリセット、最新の版、使っている報告の数）")
        listing.add_argument("--municipality", help="この自治体の様式とプリセットだけを表示")

        show = sub("show", "様式の定義を JSON で表示（sengen form load で読み込める形）")
        show.add_argument("form", metavar="ID|CODE", help="様式の番号またはコード")
        show.add_argument("--version", type=positive_int, help="版（既定: 最新）")
        show.add_argument("--municipality", help="同じコードの様式が複数の自治体にあるときの自治体名")

        load = sub("load", "定義ファイル（JSON）から様式を登録、または新しい版を追加")
        load.add_argument("file", metavar="FILE", help="様式の定義ファイル（JSON, UTF-8）")
        load.add_argument("--municipality", help="この自治体の様式として登録（省略: どの自治体も使えるプリセット）")
        load.add_argument("--use", action="store_true",
                          help="この自治体の新しい報告にこの様式を使う（--municipality と一緒に指定）")

        blank = sub("blank", "部に配る白紙の様式を Excel（.xlsx）で作成")
        blank.add_argument("form", metavar="ID|CODE", help="様式の番号またはコード")
        blank.add_argument("-o", "--output", required=True, help="書き出す .xlsx ファイル")
        blank.add_argument("--document", choices=PHASES,
                           help="文書の種類（既定: 様式の最初の文書。ふつうは declaration = 目標宣言）")
        blank.add_argument("--municipality", help="表題に入れる自治体名（その自治体の様式を探すのにも使う）")
        blank.add_argument("--fiscal-year", type=fiscal_year_arg, help="表題に入れる年度（2025 または 令和7年度）")
        blank.add_argument("--unit", help="表題に入れる部・課・室の名前（省略: 〇〇 として空けておく）")
        blank.add_argument("--version", type=positive_int, help="様式の版（既定: 最新）")
        blank.add_argument("--rows", type=positive_int, default=DEFAULT_ROWS,
                           help=f"空けておく取組の行数（既定: {DEFAULT_ROWS}、{MAX_ROWS} まで）")

    def handle(self, *args, **options):
        # A refusal names the subcommand: 「sengen form load: エラー: …」.
        self._subcommand = f"form {options['action']}"
        self.require_migrated_database()
        getattr(self, f"handle_{options['action']}")(options)

    # list ----------------------------------------------------------------------------------

    def handle_list(self, options):
        municipality = self._municipality(options["municipality"]) if options["municipality"] else None
        used_by = {}
        for city in Municipality.objects.filter(form__isnull=False).order_by("name"):
            used_by.setdefault(city.form_id, []).append(str(city))
        for form in forms_list(municipality=municipality):
            count = report_count(form) if form.municipality_id is None else form.report_count
            fields = [str(form.pk), form.code, form.name, str(form.municipality) if form.municipality else PRESET_LABEL,
                      f"版 {form.latest_version or 0}", f"報告 {count} 件"]
            if form.id in used_by:
                fields.append(f"使用中: {'、'.join(used_by[form.id])}")
            # Tab-separated: a name holds spaces, and a script cuts fields on tabs.
            self.stdout.write("\t".join(fields))

    # show ----------------------------------------------------------------------------------

    def handle_show(self, options):
        version = self._version(options)
        self.stdout.write(core_forms.form_to_json(form_of_version(version)), ending="")

    # load ----------------------------------------------------------------------------------

    def handle_load(self, options):
        path, city_name = options["file"], options["municipality"]
        if options["use"] and not city_name:
            raise UsageError("--use は --municipality と一緒に指定してください（どの自治体が使うか）")
        definition = self._read_definition(path)
        with transaction.atomic():
            created_city = bool(city_name) and not Municipality.objects.filter(name=city_name).exists()
            municipality = municipality_for_report(city_name) if city_name else None
            code = definition.get("code") if isinstance(definition, dict) else None
            before = form_stored(code, municipality) if isinstance(code, str) else None
            latest_before = form_current_version(before) if before is not None else None
            try:
                version = form_load(user=None, definition=definition, municipality=municipality, source=path)
                if options["use"]:
                    form_assign(user=None, municipality=municipality, form=version.form)
            except ValidationError as exc:
                raise UsageError(" ".join(exc.messages)) from None
        if latest_before is None:
            action = "登録しました"
        elif latest_before.pk == version.pk:
            action = "変更はありません"
        else:
            action = "更新しました"
        where = str(municipality) if municipality is not None else PRESET_LABEL
        if created_city:
            where += "、自治体を新しく登録"
        used = f"、{municipality}の新しい報告に使います" if options["use"] else ""
        form = version.form
        self.stdout.write(f"{action}: {form.code} {form.name}（{where}、版 {version.version}{used}）")

    def _read_definition(self, path: str):
        try:
            with open(path, "rb") as file:
                data = file.read(MAX_DEFINITION_BYTES + 1)
        except OSError as exc:
            raise UsageError(f"{path}: 読めません（{exc.strerror or exc}）") from None
        if len(data) > MAX_DEFINITION_BYTES:
            raise UsageError(f"{path}: 様式の定義としては大きすぎます（{MAX_DEFINITION_BYTES:,}バイトまで）")
        try:
            text = data.decode("utf-8-sig")  # Windows editors write a BOM
        except UnicodeDecodeError:
            raise UsageError(f"{path}: UTF-8 の文字として読めません（保存するときの文字コードを UTF-8 にしてください）") from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{path}: JSON として読めません（{exc.lineno}行{exc.colno}桁目: {exc.msg}）") from None
        except (RecursionError, ValueError):
            raise UsageError(f"{path}: JSON として読めません（入れ子が深すぎるか、桁数の多すぎる数値があります）") from None

    # blank ---------------------------------------------------------------------------------

    def handle_blank(self, options):
        version = self._version(options)
        form = form_of_version(version)
        document = options["document"] or form.documents[0]
        if document not in form.layouts:
            raise UsageError(f"--document {document}: 様式 {form.code} にこの文書はありません"
                             f"（あるのは {', '.join(form.documents)}）")
        year = options["fiscal_year"]
        data = blank_workbook(form, document, municipality=options["municipality"],
                              fiscal_year_label=fiscal_year_label(year) if year is not None else None,
                              unit=options["unit"], rows=options["rows"])
        write_output(options["output"], data)

    # shared --------------------------------------------------------------------------------

    def _municipality(self, name: str) -> Municipality:
        found = Municipality.objects.filter(name=name).first()
        if found is None:
            raise UsageError(f"自治体「{name}」は登録されていません")
        return found

    def _version(self, options):
        city = options["municipality"]
        # The name also only fills a blank's title: a city not stored yet simply has no forms.
        municipality = Municipality.objects.filter(name=city).first() if city else None
        try:
            form = form_get(options["form"], municipality)
            return form_version_get(form, options["version"])
        except FormNotFound as exc:
            raise UsageError(str(exc)) from None
