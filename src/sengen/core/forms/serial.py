"""A form as JSON: ``form_from_dict`` checks a definition and builds the ``Form``;
``form_to_dict`` writes it back in one canonical shape, so ``sengen form show`` of a loaded file
loads again to an equal form, and showing it twice gives the same bytes.

A definition is what a person writes (docs/forms.md), so every refusal names the JSON path and
what was expected. Unknown keys are refused: a misspelt ``"colums"`` would otherwise silently
give a form without its table. Every text is data — a label is printed as written, a template
holds only the names of ``PLACEHOLDERS`` — and bounded by ``core.limits``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sengen.core import limits, workflow
from sengen.core.errors import JsonPathError

from . import model

EVALUATIONS = ("achieved", "partially_achieved", "not_achieved", "not_evaluated")
_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")
MAX_COLUMNS = 30  # the widest real form has 6; 30 is what a landscape page can still print
MAX_PARTS = 6  # roles in one cell
MAX_PREAMBLE = 20
MAX_GRADES = 20
MAX_WRAP_CHARS = 5  # 「（」… a bracket or two, never text


class FormError(JsonPathError):
    """The form definition is not valid; ``path`` says where (``$.layouts.declaration
    .columns[2].parts[0].role``)."""


def _expect(cond: bool, message: str, path: str) -> None:
    if not cond:
        raise FormError(message, path)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "真偽値", int: "数値", float: "数値", str: "文字列",
            list: "配列", dict: "オブジェクト"}.get(type(value), type(value).__name__)


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str | int | float) else _kind(value)
    return text if len(text) <= 40 else f"{text[:37]}…"


def _object(value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...] = ()) -> dict:
    _expect(isinstance(value, dict), f"オブジェクトが必要です（{_kind(value)}でした）", path)
    for key in value:
        _expect(key in allowed, f"知らない項目 {_shown(key)} です（使えるのは {', '.join(allowed)}）", path)
    for key in required:
        _expect(key in value, f"項目 '{key}' がありません", path)
    return value


def _text(value: Any, path: str, limit: int, *, allow_empty: bool = False) -> str:
    _expect(isinstance(value, str), f"文字列が必要です（{_kind(value)}でした）", path)
    _expect("\x00" not in value, "NUL 文字は使えません", path)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise FormError(f"文字として表せない符号 U+{ord(value[exc.start]):04X} があります", path) from None
    _expect(len(value) <= limit, f"{limit:,}文字までです（{len(value):,}文字あります）", path)
    if not allow_empty:
        _expect(value.strip() != "", "空でない文字列が必要です", path)
    return value


def _optional_text(value: Any, path: str, limit: int) -> str | None:
    return None if value is None else _text(value, path, limit)


def _template(value: Any, path: str, *, allowed: tuple[str, ...] = model.PLACEHOLDERS,
              limit: int = limits.MAX_NAME_CHARS, allow_empty: bool = False) -> str:
    """A title-like template: only ``{name}`` of ``allowed``, and no other brace, so nothing in it
    is ever read as a format specification."""
    text = _text(value, path, limit, allow_empty=allow_empty)
    for name in model.PLACEHOLDER_RE.findall(text):
        _expect(name in allowed, f"{{{name}}} は使えません（使えるのは "
                                 f"{', '.join('{' + n + '}' for n in allowed)}）", path)
    rest = model.PLACEHOLDER_RE.sub("", text)
    _expect("{" not in rest and "}" not in rest,
            "「{」「}」は差し込み（{fiscal_year_label} など）にだけ使えます", path)
    return text


def _bool(value: Any, path: str) -> bool:
    _expect(isinstance(value, bool), f"true か false が必要です（{_kind(value)}でした）", path)
    return value


def _choice(value: Any, choices: tuple[str, ...], path: str) -> str:
    _expect(isinstance(value, str) and value in choices,
            f"次のいずれかが必要です: {', '.join(repr(c) for c in choices)}（{_shown(value)}でした）", path)
    return value


def _list(value: Any, path: str, *, most: int, least: int = 0, what: str = "項目") -> list:
    _expect(isinstance(value, list), f"配列が必要です（{_kind(value)}でした）", path)
    _expect(len(value) >= least, f"{what}が{least}個以上必要です", path)
    _expect(len(value) <= most, f"{what}は{most}個までです（{len(value):,}個あります）", path)
    return value


def _number(value: Any, path: str, *, low: float, high: float) -> float:
    _expect(isinstance(value, int | float) and not isinstance(value, bool),
            f"数値が必要です（{_kind(value)}でした）", path)
    _expect(value == value and low < value <= high, f"{low}より大きく{high}以下の数値が必要です（{_shown(value)}でした）",
            path)
    return float(value)


# --- parts ----------------------------------------------------------------------------------

def _part(value: Any, path: str) -> model.Part:
    if isinstance(value, str):
        return model.Part(_choice(value, model.ROLES, path), bullet=model.default_bullet(value))
    data = _object(value, path, ("role", "bullet", "wrap", "heading", "label"), ("role",))
    role = _choice(data["role"], model.ROLES, f"{path}.role")
    bullet = _choice(data.get("bullet", model.default_bullet(role)), model.BULLETS, f"{path}.bullet")
    wrap = data.get("wrap")
    if wrap is not None:
        _list(wrap, f"{path}.wrap", most=2, least=2, what="括弧")
        wrap = tuple(_text(w, f"{path}.wrap[{i}]", MAX_WRAP_CHARS) for i, w in enumerate(wrap))
    heading = _optional_text(data.get("heading"), f"{path}.heading", limits.MAX_UNIT_CHARS)
    label = _optional_text(data.get("label"), f"{path}.label", limits.MAX_UNIT_CHARS)
    _expect(label is None or role == "extra", "label は役割 extra の部分にだけ書けます", f"{path}.label")
    return model.Part(role, bullet=bullet, wrap=wrap, heading=heading, label=label)


def _column(value: Any, path: str) -> model.Column:
    data = _object(value, path, ("label", "parts", "width"), ("label", "parts"))
    label = _text(data["label"], f"{path}.label", limits.MAX_UNIT_CHARS)
    parts = _list(data["parts"], f"{path}.parts", most=MAX_PARTS, least=1, what="役割")
    width = _number(data.get("width", 1.0), f"{path}.width", low=0, high=100)
    return model.Column(label, tuple(_part(p, f"{path}.parts[{i}]") for i, p in enumerate(parts)), width)


def _preamble_block(value: Any, path: str, parts: dict) -> model.PreambleBlock:
    data = _object(value, path, ("part", "label", "kind", "sdgs", "bullet", "sdg_format"))
    if "part" in data:
        name = data["part"]
        blocks = parts.get("preamble_blocks", {})
        _expect(isinstance(name, str) and name in blocks,
                f"前文の部品名は次のいずれかです: {', '.join(blocks)}（{_shown(name)}でした）", f"{path}.part")
        data = {**blocks[name], **{k: v for k, v in data.items() if k != "part"}}
    _expect("label" in data, "項目 'label' がありません", path)
    return model.PreambleBlock(
        label=_text(data["label"], f"{path}.label", limits.MAX_NAME_CHARS),
        kind=_choice(data.get("kind", "text"), model.PREAMBLE_KINDS, f"{path}.kind"),
        sdgs=_bool(data.get("sdgs", False), f"{path}.sdgs"),
        bullet=_choice(data.get("bullet", "・"), model.BULLETS, f"{path}.bullet"),
        sdg_format=_template(data.get("sdg_format", "【SDGs {n}】"), f"{path}.sdg_format",
                             allowed=model.SDG_PLACEHOLDERS, limit=limits.MAX_UNIT_CHARS),
    )


_LAYOUT_KEYS = ("title", "declarer", "document_name", "preamble", "closing", "table_heading", "declared_on_label",
                "arrangement", "block_width", "columns")


def _layout(document: str, value: Any, path: str, parts: dict) -> model.Layout:
    data = _object(value, path, _LAYOUT_KEYS, ("title", "columns"))
    columns = _list(data["columns"], f"{path}.columns", most=MAX_COLUMNS, least=1, what="列")
    preamble = _list(data.get("preamble", []), f"{path}.preamble", most=MAX_PREAMBLE, what="前文の区画")
    closing = _list(data.get("closing", []), f"{path}.closing", most=MAX_PREAMBLE, what="表の後の区画")
    heading = data.get("table_heading")
    block_width = data.get("block_width", 2)
    _expect(isinstance(block_width, int) and not isinstance(block_width, bool) and 1 <= block_width <= 4,
            f"1〜4の整数が必要です（{_shown(block_width)}でした）", f"{path}.block_width")
    layout = model.Layout(
        document=document,
        title=_template(data["title"], f"{path}.title"),
        declarer=_template(data.get("declarer", "{director_title} {director_name}"), f"{path}.declarer"),
        document_name=_text(data.get("document_name", workflow.DOCUMENT_NAMES[document]),
                            f"{path}.document_name", limits.MAX_UNIT_CHARS),
        preamble=tuple(_preamble_block(b, f"{path}.preamble[{i}]", parts) for i, b in enumerate(preamble)),
        closing=tuple(_preamble_block(b, f"{path}.closing[{i}]", parts) for i, b in enumerate(closing)),
        table_heading=None if heading is None else _template(heading, f"{path}.table_heading"),
        declared_on_label=_optional_text(data.get("declared_on_label"), f"{path}.declared_on_label",
                                         limits.MAX_UNIT_CHARS),
        arrangement=_choice(data.get("arrangement", "table"), model.ARRANGEMENTS, f"{path}.arrangement"),
        block_width=block_width,
        columns=tuple(_column(c, f"{path}.columns[{i}]") for i, c in enumerate(columns)),
    )
    seen: dict[str, str] = {}
    extras: dict[str, str] = {}
    for i, column in enumerate(layout.columns):
        for j, part in enumerate(column.parts):
            where = f"{path}.columns[{i}].parts[{j}]"
            if part.role == "extra":
                label = part.label or column.label
                _expect(label not in extras, f"役割のない列の名前 {_shown(label)} が {extras.get(label)} と"
                                             "重なっています（報告の extra で区別できません）", where)
                extras[label] = where
                continue
            _expect(part.role not in seen, f"役割 {part.role} が一つの様式に二度あります（{seen.get(part.role)}）",
                    where)
            seen[part.role] = where
    _expect("title" in seen, "取組名（役割 title）を持つ列が必要です", f"{path}.columns")
    return layout


# --- scales and levels ----------------------------------------------------------------------

def _scale_definition(value: Any, path: str) -> model.ScaleDefinition:
    data = _object(value, path, ("code", "name", "grades"), ("code", "name", "grades"))
    grades = _list(data["grades"], f"{path}.grades", most=MAX_GRADES, least=1, what="評語")
    out = []
    for i, raw in enumerate(grades):
        where = f"{path}.grades[{i}]"
        g = _object(raw, where, ("code", "label", "evaluation", "min_rate"), ("code", "label", "evaluation"))
        rate = g.get("min_rate")
        if rate is not None:
            _expect(isinstance(rate, int | float) and not isinstance(rate, bool) and 0 <= rate <= 100,
                    f"0〜100の数値（1.1 = 110%）か null が必要です（{_shown(rate)}でした）", f"{where}.min_rate")
        out.append(model.GradeDefinition(
            code=_text(g["code"], f"{where}.code", limits.MAX_UNIT_CHARS),
            label=_text(g["label"], f"{where}.label", limits.MAX_UNIT_CHARS),
            evaluation=_choice(g["evaluation"], EVALUATIONS, f"{where}.evaluation"),
            min_rate=None if rate is None else float(rate),
        ))
    codes = [g.code for g in out]
    _expect(len(set(codes)) == len(codes), "評語のコードが重複しています", f"{path}.grades")
    code = data["code"]
    _expect(isinstance(code, str) and bool(_CODE_RE.match(code)),
            f"英小文字・数字・-・_ の50文字までのコードが必要です（{_shown(code)}でした）", f"{path}.code")
    return model.ScaleDefinition(code, _text(data["name"], f"{path}.name", limits.MAX_NAME_CHARS), tuple(out))


def _interim_levels(value: Any, path: str, parts: dict) -> dict[str, str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        presets = parts.get("interim_levels", {})
        _expect(value in presets, f"中間評価の段階の部品名は次のいずれかです: {', '.join(presets)}"
                                  f"（{_shown(value)}でした）", path)
        value = presets[value]
    data = _object(value, path, model.INTERIM_STATUSES, model.INTERIM_STATUSES)
    levels = {key: _text(data[key], f"{path}.{key}", limits.MAX_UNIT_CHARS) for key in model.INTERIM_STATUSES}
    _expect(len(set(levels.values())) == len(levels), "段階の言葉が重複しています", path)
    return levels


# --- the form -------------------------------------------------------------------------------

_FORM_KEYS = ("code", "name", "programme", "description", "unit_kind", "numbered", "number_label",
              "grade_placement", "scale", "scale_definition", "interim_levels", "layouts")
# The grade roles each placement forbids: a grade is printed where the form judges, nowhere else.
_FORBIDDEN_BY_PLACEMENT = {
    "target": ("grade", "grade_reason"),
    "initiative": ("target_grade",),
    "none": ("grade", "grade_reason", "target_grade"),
}


def form_from_dict(data: Any, *, source: str | None = None) -> model.Form:
    """Check a form definition and return the ``Form``; ``FormError`` at the first JSON path
    that is wrong, with ``source`` (a file name) in front of the message when given.

    A preamble block may be ``{"part": NAME}`` and ``interim_levels`` may be a NAME: the shared
    parts of ``presets/parts.json`` (``preset_parts()``), written out in full by ``form_to_dict``.
    """
    try:
        return _form(data)
    except FormError as exc:
        if source is None:
            raise
        raise FormError(exc.message, exc.path, source) from None


def _form(data: Any) -> model.Form:
    from .presets import preset_parts

    parts = preset_parts()
    data = _object(data, "$", _FORM_KEYS, ("code", "name", "programme", "unit_kind", "numbered",
                                           "grade_placement", "layouts"))
    code = data["code"]
    _expect(isinstance(code, str) and bool(_CODE_RE.match(code)),
            f"英小文字・数字・-・_ の50文字までのコードが必要です（{_shown(code)}でした）", "$.code")
    numbered = _bool(data["numbered"], "$.numbered")
    number_label = _optional_text(data.get("number_label"), "$.number_label", limits.MAX_UNIT_CHARS)
    _expect(number_label is not None or not numbered, "番号を振る様式（numbered: true）には番号の列の見出しが必要です",
            "$.number_label")
    _expect(number_label is None or numbered, "番号を振らない様式に number_label は書けません", "$.number_label")
    placement = _choice(data["grade_placement"], model.GRADE_PLACEMENTS, "$.grade_placement")
    scale = data.get("scale")
    if placement == "none":
        _expect(scale is None, "評価しない様式（grade_placement: none）に scale は書けません", "$.scale")
    else:
        _expect(isinstance(scale, str) and bool(_CODE_RE.match(scale)),
                f"評価の尺度のコード（three-step, plan, abcd など）が必要です（{_shown(scale)}でした）", "$.scale")
    definition = None
    if data.get("scale_definition") is not None:
        definition = _scale_definition(data["scale_definition"], "$.scale_definition")
        _expect(definition.code == scale, f"尺度の定義のコード {definition.code!r} が scale {scale!r} と違います",
                "$.scale_definition.code")
    interim = _interim_levels(data.get("interim_levels"), "$.interim_levels", parts)
    layouts_raw = _object(data["layouts"], "$.layouts", workflow.PHASES)
    _expect(bool(layouts_raw), f"文書の形が一つ以上必要です（{', '.join(workflow.PHASES)}）", "$.layouts")
    layouts = {}
    for document in workflow.PHASES:
        if document not in layouts_raw:
            continue
        path = f"$.layouts.{document}"
        layout = _layout(document, layouts_raw[document], path, parts)
        number = layout.number_column
        if numbered:
            _expect(number is not None, "番号を振る様式です: 番号（役割 number）の列が必要です", f"{path}.columns")
            _expect(number.label == number_label,
                    f"番号の列の見出し {number.label!r} が number_label {number_label!r} と違います", f"{path}.columns")
        else:
            _expect(number is None, "番号を振らない様式（numbered: false）に番号の列は置けません", f"{path}.columns")
        for role in _FORBIDDEN_BY_PLACEMENT[placement]:
            _expect(role not in layout.roles, f"評価の位置が {placement} の様式に役割 {role} の列は置けません",
                    f"{path}.columns")
        _expect("interim_status" not in layout.roles or interim is not None,
                "役割 interim_status の列には中間評価の段階の言葉（interim_levels）が必要です", "$.interim_levels")
        layouts[document] = layout
    return model.Form(
        code=code,
        name=_text(data["name"], "$.name", limits.MAX_NAME_CHARS),
        programme=_text(data["programme"], "$.programme", limits.MAX_NAME_CHARS),
        unit_kind=_text(data["unit_kind"], "$.unit_kind", limits.MAX_UNIT_CHARS),
        numbered=numbered,
        number_label=number_label,
        grade_placement=placement,
        scale=scale,
        layouts=layouts,
        scale_definition=definition,
        interim_levels=interim,
        description=_text(data.get("description", ""), "$.description", limits.MAX_LINE_CHARS, allow_empty=True),
    )


def _part_to_dict(part: model.Part) -> str | dict:
    if part.bullet == model.default_bullet(part.role) and part.wrap is None and part.heading is None and part.label is None:
        return part.role
    out: dict[str, Any] = {"role": part.role}
    if part.bullet != model.default_bullet(part.role):
        out["bullet"] = part.bullet
    if part.wrap is not None:
        out["wrap"] = list(part.wrap)
    if part.heading is not None:
        out["heading"] = part.heading
    if part.label is not None:
        out["label"] = part.label
    return out


def _block_to_dict(block: model.PreambleBlock) -> dict:
    return {"label": block.label, "kind": block.kind, "sdgs": block.sdgs, "bullet": block.bullet,
            "sdg_format": block.sdg_format}


def _layout_to_dict(layout: model.Layout) -> dict:
    return {
        "title": layout.title,
        "declarer": layout.declarer,
        "document_name": layout.document_name,
        "table_heading": layout.table_heading,
        "declared_on_label": layout.declared_on_label,
        "arrangement": layout.arrangement,
        "block_width": layout.block_width,
        "preamble": [_block_to_dict(b) for b in layout.preamble],
        "closing": [_block_to_dict(b) for b in layout.closing],
        "columns": [{"label": c.label, "width": c.width, "parts": [_part_to_dict(p) for p in c.parts]}
                    for c in layout.columns],
    }


def form_to_dict(form: model.Form) -> dict:
    """The form as its canonical definition: keys in a fixed order, layouts in the year's order,
    columns and parts in printed order, shared parts written out. ``form_from_dict`` of it gives
    an equal ``Form``."""
    definition = form.scale_definition
    return {
        "code": form.code,
        "name": form.name,
        "programme": form.programme,
        "description": form.description,
        "unit_kind": form.unit_kind,
        "numbered": form.numbered,
        "number_label": form.number_label,
        "grade_placement": form.grade_placement,
        "scale": form.scale,
        "scale_definition": None if definition is None else {
            "code": definition.code, "name": definition.name,
            "grades": [{"code": g.code, "label": g.label, "evaluation": g.evaluation, "min_rate": g.min_rate}
                       for g in definition.grades]},
        "interim_levels": None if form.interim_levels is None else {
            key: form.interim_levels[key] for key in model.INTERIM_STATUSES},
        "layouts": {kind: _layout_to_dict(form.layouts[kind]) for kind in form.documents},
    }


def form_to_json(form: model.Form) -> str:
    """``form_to_dict`` as the text ``sengen form show`` prints: UTF-8 Japanese as written,
    two-space indents, a final newline; the same form always gives the same text."""
    return json.dumps(form_to_dict(form), ensure_ascii=False, indent=2) + "\n"


def form_from_json(text: str, *, source: str | None = None) -> model.Form:
    """A definition file's text → ``Form``; a JSON syntax error is a ``FormError`` too."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormError(f"JSON として読めません（{exc.lineno}行{exc.colno}桁目: {exc.msg}）", "$", source) from None
    except RecursionError:
        raise FormError("JSON の入れ子が深すぎます", "$", source) from None
    except ValueError:  # an integer of thousands of digits, which Python refuses to read
        raise FormError("JSON に桁数が多すぎて読めない数値があります", "$", source) from None
    return form_from_dict(data, source=source)
