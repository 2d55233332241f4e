"""The browser import's review: what the person checks between reading a file and storing it.

The upload page shows the parser's reading as a form (``review_initial``) with where in the
file each value was read (``show_provenance``); the save reads the form back into a
``sengen.report/1`` document (``reviewed_document``) and stores it through
``report_import``. What was read travels between the two pages signed (``sign_payload`` /
``load_payload``). No view code here: the pages are in ``views/imports.py``."""

from __future__ import annotations

import re

from django.core import signing
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sengen.core import workflow
from sengen.core.assess import assess
from sengen.core.report import normalise
from sengen.declarations.models import PublicationState
from sengen.declarations.permissions import can_read
from sengen.declarations.selectors import declaration_for_report
from sengen.declarations.services.imports import import_losses

# A review field's JSON path: $.initiatives[2].targets[0] → initiative 2, field targets, item 0.
_PATH = re.compile(r"\$\.initiatives\[(\d+)\]\.(\w+)(?:\[(\d+)\])?")

# What was read travels to the review page and back in a hidden field. It is signed, so the
# save stores what the parser read (plus the staff's corrections, which are separate fields) and
# never a document or provenance someone wrote into the page; and it expires, so a review left
# open for days is read again from the file rather than saved from an old reading.
IMPORT_SALT = "sengen.staff.import-review"
IMPORT_MAX_AGE = 8 * 60 * 60  # seconds: a working day


def review_initial(doc: dict, replacing=None) -> dict:
    """The review form's initial values: the document as the parser read it, to be stored as a
    draft — or, over a published report, as published: the default never lowers what citizens
    read (it once turned the published 2017 report into a draft, issue 12.4)."""
    keep_published = replacing is not None and replacing.state == PublicationState.PUBLISHED
    initial = {
        "municipality": doc["municipality"] or "", "fiscal_year": doc["fiscal_year"],
        "fiscal_year_label": doc["fiscal_year_label"], "document": doc["document"],
        "department": doc["department"], "director_title": doc["director"]["title"],
        "director_name": doc["director"]["name"],
        "state": PublicationState.PUBLISHED if keep_published else PublicationState.DRAFT,
    }
    for i, item in enumerate(doc["initiatives"]):
        initial.update({
            f"i{i}_number": item["number"], f"i{i}_title": item["title"],
            f"i{i}_sections": "、".join(item["sections"]), f"i{i}_content": item["content"],
            f"i{i}_targets": [t["text"] for t in item["targets"]], f"i{i}_results": item["results"],
            f"i{i}_future_direction": item["future_direction"],
            f"i{i}_achievement_status": item["achievement_status"],
        })
    return initial


def reviewed_document(form, parsed: dict) -> dict:
    """The document as staff corrected it. Targets whose text is unchanged keep what the parser
    read; changed or added ones are read again from their text (core.assess)."""
    data = form.cleaned_data
    doc = {
        "schema": parsed["schema"], "municipality": data["municipality"].strip() or None,
        "fiscal_year": data["fiscal_year"], "fiscal_year_label": data["fiscal_year_label"],
        "document": data["document"], "department": data["department"],
        "director": {"title": data["director_title"], "name": data["director_name"]}, "initiatives": [],
    }
    # sengen.report/2's header fields, which the review does not edit: kept as read (a /1
    # reading has none, and its document stays /1).
    for key in V2_HEADER:
        if key in parsed:
            doc[key] = parsed[key]
    for i, before in enumerate(parsed["initiatives"]):
        title = (data[f"i{i}_title"] or "").strip()
        if not title:
            continue  # an initiative whose title was cleared is left out
        texts = data[f"i{i}_targets"]
        status, results = data[f"i{i}_achievement_status"], data[f"i{i}_results"]
        kept = {t["text"]: t for t in before["targets"]}
        unchanged = (texts == [t["text"] for t in before["targets"]]
                     and status == before["achievement_status"] and results == before["results"])
        if unchanged:
            targets = before["targets"]
        else:
            fresh = assess(texts, status if doc["document"] != workflow.DECLARATION else [],
                           results if doc["document"] != workflow.DECLARATION else [], fiscal_year=doc["fiscal_year"])
            targets = [kept.get(t["text"], t) if status == before["achievement_status"] else t for t in fresh]
        doc["initiatives"].append({
            "number": data[f"i{i}_number"], "title": title,
            "sections": [s.strip() for s in (data[f"i{i}_sections"] or "").split("、") if s.strip()],
            "content": data[f"i{i}_content"], "targets": targets, "results": results,
            "future_direction": data[f"i{i}_future_direction"], "achievement_status": status,
            # The /2 columns (shown read-only): kept as read, never silently dropped.
            **{key: before[key] for key in V2_ITEM if key in before},
        })
    return doc


# sengen.report/2's fields the review shows but does not edit (report-format.md).
V2_HEADER = ("form", "unit_kind", "declared_on", "preamble")
V2_ITEM = ("background", "approach", "partners", "self_evaluation", "remarks", "grade", "grade_reason", "sdgs",
           "plan_refs", "extra")


def fit_to_document(form, doc: dict) -> None:
    """The review form as the document needs it: an unnumbered item (/2 ``number`` null) is
    not asked for a number."""
    for i, item in enumerate(doc["initiatives"]):
        if item.get("number") is None and f"i{i}_number" in form.fields:
            form.fields[f"i{i}_number"].required = False


def read_only_columns(doc: dict, report_form) -> list[list[tuple[str, list[str]]]]:
    """Per initiative, the /2 columns the review shows read-only, each under the label the
    report's form prints (the city's words, shown as written): ``[[(label, lines)], …]``."""
    from .form_columns import role_labels

    labels = role_labels(report_form) if report_form is not None else {}
    default = {"background": _("現状と課題"), "approach": _("方策・手段"), "partners": _("協働関係先"),
               "self_evaluation": _("自己評価"), "remarks": _("備考"), "grade": _("評価段階"),
               "grade_reason": _("評価の理由"), "sdgs": "SDGs", "plan_refs": _("総合計画の施策")}
    rows = []
    for item in doc["initiatives"]:
        shown = []
        for key in V2_ITEM:
            value = item.get(key)
            if not value:
                continue
            if key == "extra":
                shown.extend((str(e.get("label", "")), list(e.get("items") or [])) for e in value)
                continue
            if key == "sdgs":
                value = ["、".join(str(n) for n in value)]
            elif isinstance(value, str):
                value = [value]
            shown.append((labels.get(key) or default[key], list(value)))
        rows.append(shown)
    return rows


# Provenance ---------------------------------------------------------------------------------------

def origin_label(origin: dict) -> str:
    """Where a value was read, as staff look it up in the file: 2ページ・取組結果 / 12〜15行目."""
    parts = []
    if origin.get("page"):
        parts.append(_("%(n)sページ") % {"n": origin["page"]})
    if origin.get("cell"):
        parts.append(str(origin["cell"]))
    if origin.get("first_line"):
        first, last = origin["first_line"], origin.get("last_line") or origin["first_line"]
        parts.append(_("%(a)s行目") % {"a": first} if first == last else _("%(a)s〜%(b)s行目") % {"a": first, "b": last})
    return pgettext("between the parts of where a value was read", "・").join(parts)


def show_provenance(form, where: dict) -> None:
    """Each field of the review says where in the file its text was read."""
    for path, origin in where.items():
        m = _PATH.fullmatch(path)
        if not m:
            continue
        name = f"i{m.group(1)}_{m.group(2)}"
        field = form.fields.get(name)
        if field is None:
            continue
        label = origin_label(origin)
        if not label:
            continue
        seen = getattr(field, "_origins", [])
        if label not in seen:
            seen.append(label)
            field._origins = seen
            # Django prints help_text as markup; a sheet's name is the file author's text
            # (a sheet named <meta http-equiv="refresh" …> redirected the reviewer's browser).
            field.help_text = escape(_("読み取り元: %(where)s")
                                     % {"where": pgettext("between the places a value was read", "、").join(seen)})


def _value_at(doc: dict, path: str):
    m = _PATH.fullmatch(path)
    if not m:
        return None
    try:
        value = doc["initiatives"][int(m.group(1))][m.group(2)]
        return value[int(m.group(3))] if m.group(3) is not None else value
    except (IndexError, KeyError, TypeError):
        return None


def still_read(where: dict, parsed: dict, saved: dict) -> dict:
    """Provenance only for values saved as they were read: a corrected text was not read there."""
    return {path: origin for path, origin in where.items()
            if path == "$" or (_value_at(saved, path) is not None and _value_at(saved, path) == _value_at(parsed, path))}


# The signed payload and what it replaces -----------------------------------------------------------

def sign_payload(payload: dict) -> str:
    return signing.dumps(payload, salt=IMPORT_SALT, compress=True)


def load_payload(signed: str) -> dict:
    """The payload the review page carried; ``signing.SignatureExpired`` after IMPORT_MAX_AGE,
    ``signing.BadSignature`` when it was changed."""
    return signing.loads(signed, salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)


def replaces(doc: dict, declaration) -> dict:
    """What the review page told the person their import replaces: the report's department,
    year and city, and the version stored there then (None: nothing, the import creates it)."""
    return {"key": [doc["municipality"], doc["fiscal_year"], doc["department"]],
            "version": declaration.version if declaration is not None else None}


def at_stake(replacing) -> list[str]:
    """What saving over ``replacing`` may lose (its published state, its confirmed grades),
    for the review page to say beside the box that chooses it; empty: nothing."""
    if replacing is None:
        return []
    lowered = ([_("「公開中」以外を選んで保存すると、公開中の報告の状態が下がります")]
               if replacing.state == PublicationState.PUBLISHED else [])
    return lowered + import_losses(replacing, replacing.state)  # the grades, whatever the state


def replacing(user, doc: dict):
    """The stored declaration saving ``doc`` would replace, if ``user`` may read it. Another
    department's report is not named to a director (nor its version put in the page); the
    service refuses that import anyway."""
    declaration = declaration_for_report(doc)
    return declaration if declaration is not None and can_read(user, declaration) else None


def expected_version(replaces: dict | None, doc: dict):
    """The version ``report_import`` may replace: the one shown, while the department, year and
    city are still those shown; after staff corrected them, or for a review that recorded none,
    no version (so replacing a stored report is confirmed first)."""
    if not isinstance(replaces, dict):
        return None
    if replaces.get("key") != [doc["municipality"], doc["fiscal_year"], doc["department"]]:
        return None
    return replaces.get("version")


def payload_read(payload: dict) -> dict:
    """The signed payload made safe to use again: the document checked as ``sengen.report/1``
    (``ReportError`` if not), the rest coerced to what the pages print. A signature proves who
    wrote it, not that what an older sengen wrote still reads; a broken one raises ValueError,
    KeyError, TypeError or ReportError."""
    return {
        "doc": normalise(payload["doc"]),
        "source": str(payload.get("source", ""))[:500],
        "pages": [str(p) for p in payload.get("pages", [])],
        "provenance": {str(k): {str(a): b for a, b in v.items() if isinstance(b, str | int)}
                       for k, v in (payload.get("provenance") or {}).items() if isinstance(v, dict)},
        "replaces": payload.get("replaces"),
    }
