"""The public read-only API under ``/api/``: JSON over HTTP, its OpenAPI 3.1 document at
``/api/openapi.json`` and a browsable page at ``/api/docs/``.

django-ninja builds the OpenAPI document from the type hints below (pydantic models), validates
the query and answers a bad value with 422 and the field's message, and paginates; its Swagger
UI ships inside the wheel and is served from our own static files ("ninja" in INSTALLED_APPS),
so nothing comes from a CDN. What the API reads, and every filter, is ``portal.api_reads``: this
module only declares the paths and their shapes.

Every path ends with "/" so that a static copy of the API (``api_static_paths``) is a directory
per path with its body as ``index.json``.
"""

# No "from __future__ import annotations": django-ninja reads the signatures' types at import.

import copy
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext
from ninja import Field, NinjaAPI, Query, Schema, Swagger
from ninja.pagination import PageNumberPagination, paginate
from pydantic import WithJsonSchema

from sengen.core import schemas as report_schemas
from sengen.core.report import EVALUATIONS
from sengen.core.workflow import PHASES
from sengen.declarations.models import FutureDirection

from . import api_reads
from .api_reads import Filters, NotPublic

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Past this a page is empty anyway; the bound keeps an absurd number from reaching the database.
MAX_PAGE = 100_000

Phase = Literal[PHASES]
EvaluationName = Literal[EVALUATIONS]
Kind = Literal["numeric", "milestone", "qualitative"]
Direction = Literal["higher", "lower"]
DirectionCategory = Literal[tuple(FutureDirection.values)]


# --------------------------------------------------------------------------- the document's schemas

def _report_components() -> dict[str, dict[str, Any]]:
    """The JSON Schemas of ``sengen.report/1`` and ``/2`` (``core/schemas``) as OpenAPI
    components: each schema's ``$defs`` become components of their own, their references
    rewritten to point there, and ``$id``/``$schema`` dropped (an OpenAPI 3.1 document is JSON
    Schema 2020-12 already, and a ``$id`` would move the base the references resolve against)."""
    components = {}
    for version in report_schemas.VERSIONS:
        schema = copy.deepcopy(report_schemas.schema(version))
        prefix = f"SengenReport{version}"

        def rewrite(node, prefix=prefix):
            if isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/$defs/"):
                    node["$ref"] = f"#/components/schemas/{prefix}_{ref.removeprefix('#/$defs/')}"
                for value in node.values():
                    rewrite(value)
            elif isinstance(node, list):
                for value in node:
                    rewrite(value)

        rewrite(schema)
        for name, definition in schema.pop("$defs", {}).items():
            components[f"{prefix}_{name}"] = definition
        schema.pop("$id", None)
        schema.pop("$schema", None)
        components[prefix] = schema
    return components


def _either(name: str) -> dict[str, Any]:
    """A published report's document (``name`` "": the whole; else one of its ``$defs``), of
    either version: ``anyOf``, since a /2 document with no /2 field is also a valid /1 one."""
    suffix = f"_{name}" if name else ""
    return {"anyOf": [{"$ref": f"#/components/schemas/SengenReport{v}{suffix}"} for v in report_schemas.VERSIONS]}


# pydantic resolves every "$ref" of a model's schema among its own models, so a field that is a
# part of the report document says which part under this key; ``PublicAPI`` puts the
# references in its place once the document is built.
_PART = "x-sengen-report"


def _part(name: str, *, nullable: bool = False):
    return WithJsonSchema({_PART: name, "nullable": nullable})


def _with_parts(node):
    if isinstance(node, dict):
        if _PART in node:
            part = _either(node[_PART])
            return {"anyOf": [*part["anyOf"], {"type": "null"}]} if node["nullable"] else part
        return {key: _with_parts(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_parts(value) for value in node]
    return node


ReportDocument = Annotated[dict[str, Any], _part("")]
InitiativeDocument = Annotated[dict[str, Any], _part("initiative")]
QuantityDocument = Annotated[dict[str, Any] | None, _part("quantity", nullable=True)]


# What django-ninja answers a query it cannot validate with (pydantic's errors), which its
# document leaves out: declared here so that a client knows the 422 as it knows the 200.
_INVALID = {
    "type": "object", "required": ["detail"],
    "properties": {"detail": {"type": "array", "items": {
        "type": "object", "required": ["type", "loc", "msg"],
        "properties": {"type": {"type": "string"}, "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                       "msg": {"type": "string"}},
    }}},
}


class PublicAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        schema = _with_parts(super().get_openapi_schema(*args, **kwargs))
        schema.setdefault("components", {}).setdefault("schemas", {}).update(
            {**_report_components(), "InvalidQuery": _INVALID})
        for methods in schema.get("paths", {}).values():
            for operation in methods.values():
                if operation.get("parameters"):
                    operation["responses"][422] = {
                        "description": "不正な値（どのパラメータの何が不正か）",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InvalidQuery"}}}}
        return schema


api = PublicAPI(
    title="sengen 公開API",
    version="1",
    description="公開されている目標宣言・中間報告・達成状況報告を読むためのAPI（読み取り専用）。"
                "公開された版だけを返し、作成中の内容は含みません。報告の本文は sengen.report 形式です。",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs/",
    # No deep links: Swagger UI puts each as a link inside the operation's button, a control
    # in a control that screen readers cannot reach (WCAG 4.1.2). No syntax colouring: its
    # theme's colours on dark grey are below AA contrast, and are set inline, beyond CSS.
    docs=Swagger(settings={"deepLinking": False, "syntaxHighlight": False}),
)


@api.exception_handler(NotPublic)
def _not_public(request: HttpRequest, exc: NotPublic):
    return api.create_response(request, {"detail": str(exc)}, status=404)


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description="ページ番号（1から）")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE,
                                      description=f"1ページの件数（既定 {PAGE_SIZE}、最大 {MAX_PAGE_SIZE}）")

    def __init__(self, **kwargs):
        super().__init__(page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE, **kwargs)


# --------------------------------------------------------------------------- shapes

class Message(Schema):
    detail: str


class Municipality(Schema):
    name: str = Field(description="自治体名（報告に記載がなければ空文字列）")
    reports: int
    fiscal_years: list[int] = Field(description="公開されている年度（西暦の開始年、新しい順）")


class FiscalYear(Schema):
    year: int = Field(description="西暦の開始年（平成29年度 = 2017）")
    label: str
    reports: int


class Department(Schema):
    municipality: str
    name: str
    fiscal_years: list[int]


class Counts(Schema):
    achieved: int
    partially_achieved: int
    not_achieved: int
    not_evaluated: int
    total: int


class ReportSummary(Schema):
    id: int
    url: str
    municipality: str
    department: str
    fiscal_year: int
    fiscal_year_label: str
    phase: Phase
    initiatives: int
    counts: Counts = Field(description="達成目標の評価ごとの件数")


class Report(ReportSummary):
    published_at: datetime | None
    correction_reason: str | None = Field(description="最新の公開が訂正であればその理由")
    document: ReportDocument = Field(description="公開された報告（sengen.report/1 または /2）")


class Target(Schema):
    text: str
    kind: Kind
    direction: Direction | None
    metric: QuantityDocument
    actual: QuantityDocument
    due: str | None
    achievement_rate: float | None
    evaluation: EvaluationName
    grade: str | None


class Initiative(Schema):
    url: str
    report: int
    municipality: str
    department: str
    fiscal_year: int
    phase: Phase
    position: int = Field(description="報告の中の何番目の取組か（1から）")
    number: int | None
    title: str
    grade: str | None
    direction_category: DirectionCategory | None
    evaluations: list[EvaluationName]
    targets: list[Target]
    initiative: InitiativeDocument = Field(description="公開された取組（sengen.report の initiatives の要素）")


class TargetRow(Target):
    report: int
    municipality: str
    department: str
    fiscal_year: int
    phase: Phase
    initiative: int
    initiative_number: int | None
    initiative_title: str
    position: int


# --------------------------------------------------------------------------- filters

class Where(Schema):
    municipality: str | None = Field(None, max_length=100, description="自治体名")
    fiscal_year: int | None = Field(None, ge=1926, le=2200, description="年度（西暦の開始年）")
    department: str | None = Field(None, max_length=200, description="部名")
    phase: Phase | None = Field(None, description="段階（目標宣言・中間報告・達成状況報告）")


class InitiativeWhere(Where):
    evaluation: EvaluationName | None = Field(None, description="この評価の達成目標がある")
    grade: str | None = Field(None, max_length=50, description="この評価（市の尺度のコードまたは表示名）")
    kind: Kind | None = Field(None, description="この種類の達成目標がある")
    direction: Direction | None = Field(None, description="数値目標の向き（以上・以下）")
    direction_category: DirectionCategory | None = Field(None, description="今後の方向性の区分")


def _filters(where: Schema) -> Filters:
    values = {k: (v if v != "" else None) for k, v in where.dict().items()}
    return Filters(**values)


def _url(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def _report(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "url": _url("report", row["id"])}


def _initiative(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "url": _url("initiative", row["report"], row["position"])}


# --------------------------------------------------------------------------- paths

@api.get("/municipalities/", response=list[Municipality], url_name="municipalities", summary="自治体")
def municipalities(request: HttpRequest):
    return api_reads.municipalities()


@api.get("/fiscal-years/", response=list[FiscalYear], url_name="fiscal_years", summary="年度")
def fiscal_years(request: HttpRequest,
                 municipality: str | None = Query(None, max_length=100, description="自治体名")):
    return api_reads.fiscal_years(municipality=municipality or None)


@api.get("/departments/", response=list[Department], url_name="departments", summary="部")
def departments(request: HttpRequest,
                municipality: str | None = Query(None, max_length=100, description="自治体名"),
                fiscal_year: int | None = Query(None, ge=1926, le=2200, description="年度（西暦の開始年）")):
    return api_reads.departments(municipality=municipality or None, fiscal_year=fiscal_year)


@api.get("/reports/", response=list[ReportSummary], url_name="reports", summary="公開されている報告")
@paginate(Pages)
def reports(request: HttpRequest, where: Query[Where]):
    return api_reads.Shaped(api_reads.summaries(_filters(where)), lambda s: _report(api_reads.report_row(s)))


@api.get("/reports/{int:report_id}/", response={200: Report, 404: Message}, url_name="report",
         summary="報告（公開された版）")
def report(request: HttpRequest, report_id: int):
    return _report(api_reads.report(report_id))


@api.get("/reports/{int:report_id}/initiatives/{int:position}/", response={200: Initiative, 404: Message},
         url_name="initiative", summary="取組（公開された版）")
def initiative(request: HttpRequest, report_id: int, position: int):
    return _initiative(api_reads.initiative(report_id, position))


@api.get("/initiatives/", response=list[Initiative], url_name="initiatives", summary="取組")
@paginate(Pages)
def initiatives(request: HttpRequest, where: Query[InitiativeWhere]):
    return api_reads.Shaped(api_reads.initiatives(_filters(where)), _initiative)


@api.get("/targets/", response=list[TargetRow], url_name="targets", summary="達成目標")
@paginate(Pages)
def targets(request: HttpRequest, where: Query[InitiativeWhere]):
    return api_reads.targets(_filters(where))


def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Any other path under /api/ (``/api/reports/abc/``): a 404 in JSON, as the API's own are,
    rather than the portal's HTML page. A path that lacks only its final "/" is sent to it, as
    Django's APPEND_SLASH would, since this view now matches it first."""
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not not_found:
            query = request.META.get("QUERY_STRING", "")
            return HttpResponsePermanentRedirect(request.path + "/" + (f"?{query}" if query else ""))
    return JsonResponse({"detail": gettext("API にこのパスはありません: %(path)s") % {"path": request.path}},
                        status=404, json_dumps_params={"ensure_ascii": False})


# --------------------------------------------------------------------------- a static copy

def api_static_paths() -> Iterator[str]:
    """Every GET path a static copy of the API holds, with no query string: the document, each
    listing's first page with no filter, every published report and each of its initiatives.
    Each path but the document's ends with "/": a static site writes its body as
    ``<path>index.json`` (``/api/reports/3/`` → ``api/reports/3/index.json``)."""
    yield _url("openapi-json")
    for name in ("municipalities", "fiscal_years", "departments", "reports", "initiatives", "targets"):
        yield _url(name)
    for summary in api_reads.summaries():
        yield _url("report", summary.declaration_id)
        for position in range(1, summary.initiatives + 1):
            yield _url("initiative", summary.declaration_id, position)
