"""The browser import: a file is read (in a child process, within the time and memory budget of
`sengen import`), the person reviews and corrects the reading, and the review is stored. What
the review is made of lives in ``staff/import_review.py``; these are only its two pages."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sengen.core import forms as core_forms
from sengen.core.report import ReportError
from sengen.declarations.forms import forms_known
from sengen.declarations.permissions import Refusal, can_import, is_administrator, require
from sengen.declarations.services import imports as importing_service
from sengen.parsers import ParseError
from sengen.parsers.limits import read_upload_limited

from .. import forms
from .. import import_review as review
from ._common import keep_input, save, staff_required


@staff_required
def import_upload(request):
    require(can_import(request.user), Refusal.IMPORT)
    form = forms.ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            # Not in this worker: in a child with the time and memory budget of `sengen import`.
            # The stored forms (a city's own among them) are offered to the reader with the presets.
            doc, where, pages = read_upload_limited(data, source=upload.name, forms=forms_known())
        except ParseError as exc:
            form.add_error("file", _("報告として読めませんでした: %(error)s") % {"error": exc.text(_)})
        else:
            # A PDF's ToUnicode map can name any code point, a lone surrogate too, which no page
            # can be written in; the pages are only shown beside the reading, never stored.
            pages = [page.encode("utf-8", "replace").decode("utf-8") for page in pages]
            replacing = review.replacing(request.user, doc)
            payload = {"doc": doc, "source": upload.name, "pages": pages,
                       "provenance": where, "replaces": review.replaces(doc, replacing)}
            form = forms.ImportReviewForm(
                initial=review.review_initial(doc, replacing) | {"payload": review.sign_payload(payload)},
                initiatives=len(doc["initiatives"]), allow_states=is_administrator(request.user))
            review.fit_to_document(form, doc)
            review.show_provenance(form, where)
            return render(request, "staff/import_review.html", _review_context(form, payload, replacing))
    return render(request, "staff/import_upload.html", {"form": form})


@require_POST
@staff_required
def import_save(request):
    require(can_import(request.user), Refusal.IMPORT)
    try:
        payload = review.payload_read(review.load_payload(request.POST.get("payload", "")))
    except signing.SignatureExpired:
        messages.error(request, _("読み取った内容の確認は%(hours)s時間で期限が切れます。もう一度ファイルを選んでください")
                       % {"hours": review.IMPORT_MAX_AGE // 3600})
        return redirect("staff:import")
    except signing.BadSignature:
        messages.error(request, _("取込の内容が壊れているか書き換えられています。保存していません。もう一度ファイルを選んでください"))
        return redirect("staff:import")
    except (ValueError, KeyError, TypeError, ReportError):
        messages.error(request, _("取込の内容が壊れています。もう一度ファイルを選んでください"))
        return redirect("staff:import")
    parsed, where = payload["doc"], payload["provenance"]
    form = forms.ImportReviewForm(request.POST, initiatives=len(parsed["initiatives"]),
                                  allow_states=is_administrator(request.user))
    review.fit_to_document(form, parsed)
    review.show_provenance(form, where)
    replacing = review.replacing(request.user, parsed)
    if form.is_valid():
        doc = parsed  # until the corrections are read (a conflict says what saving replaces)

        def write():
            nonlocal doc, replacing
            doc = review.reviewed_document(form, parsed)
            replacing = review.replacing(request.user, doc)  # the department and year as corrected
            return importing_service.report_import(doc=doc, source=payload["source"], state=form.cleaned_data["state"],
                                          user=request.user, provenance=review.still_read(where, parsed, doc),
                                          expected_version=review.expected_version(payload["replaces"], doc),
                                          replace_published=form.cleaned_data["replace_published"])

        def replaced_now(exc):
            # The corrections stay in the form; the page now says what saving replaces, so the
            # next save is made knowing it.
            payload["replaces"] = review.replaces(doc, replacing)
            keep_input(form, payload=review.sign_payload(payload))

        saved = save(request, form, write, redirect_to=lambda done: reverse("staff:declaration", args=[done.declaration.pk]),
            success=lambda done: _("取り込みました（%(action)s）") % {"action": {
                "created": _("新規"), "updated": _("更新"), "unchanged": _("変更なし")}[done.action]},
            on_conflict=replaced_now, refusals={
                ReportError: lambda exc: _("保存できませんでした: %(error)s") % {"error": exc},
                PermissionDenied: lambda exc: str(exc) or str(Refusal.IMPORT_THIS_REPORT)})
        if saved.response:
            return saved.response
    return render(request, "staff/import_review.html", _review_context(form, payload, replacing))


def _review_context(form, payload: dict, replacing) -> dict:
    """The review page's context: each item's fields with the /2 columns it shows read-only,
    labelled in the report's form (the one it names among the stored forms and presets)."""
    doc = payload["doc"]
    report_form = core_forms.form_of(doc, forms_known())
    return {"form": form, "payload": payload, "replacing": replacing, "at_stake": review.at_stake(replacing),
            "items": list(zip(form.items(), review.read_only_columns(doc, report_form), strict=False)),
            "preamble": doc.get("preamble") or []}
