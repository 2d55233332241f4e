"""``staff/views/_common.save``: every staff page answers a service's outcome the same way
(done, conflict, validation error, another refusal, permission refusal), so each is checked once
here rather than through every page."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from sengen.core.report import ReportError
from sengen.declarations.services._common import EditConflict
from sengen.staff.views._common import keep_input, save


class _Form(forms.Form):
    version = forms.IntegerField()
    reason = forms.CharField(required=False)


def _request():
    request = RequestFactory().post("/staff/x/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _form(prefix=None):
    form = _Form({"version": "3", "reason": "mine"} if prefix is None
                 else {f"{prefix}-version": "3", f"{prefix}-reason": "mine"}, prefix=prefix)
    assert form.is_valid()
    return form


def _raise(exc):
    def write():
        raise exc
    return write


def test_done_says_so_and_redirects_with_what_the_service_returned():
    request = _request()
    saved = save(request, _form(), lambda: 42, success=lambda n: f"saved {n}", redirect_to=lambda n: f"/done/{n}/")
    assert saved.response.status_code == 302 and saved.response.url == "/done/42/"
    assert [str(m) for m in get_messages(request)] == ["saved 42"]


def test_done_without_a_message_only_redirects():
    request = _request()
    saved = save(request, _form(), lambda: None, success=None, redirect_to="/done/")
    assert saved.response.url == "/done/" and not list(get_messages(request))


def test_a_conflict_shows_the_form_again_with_what_on_conflict_found_stored():
    form = _form()
    saved = save(_request(), form, _raise(EditConflict("someone saved first")), success="x", redirect_to="/",
                 on_conflict=lambda exc: {"stored": str(exc)})
    assert saved.response is None and saved.stored == {"stored": "someone saved first"}
    assert form.non_field_errors() == ["someone saved first"]
    assert form.data["reason"] == "mine"  # the person's input stays


def test_a_validation_error_lands_on_the_fields_it_names_and_the_rest_on_top():
    form = _form()
    exc = ValidationError({"reason": "too long", "unknown_12": "about a field the form lacks"})
    saved = save(_request(), form, _raise(exc), success="x", redirect_to="/")
    assert saved.response is None
    assert form.errors["reason"] == ["too long"]
    assert form.non_field_errors() == ["about a field the form lacks"]


def test_a_plain_validation_error_goes_on_top():
    form = _form()
    save(_request(), form, _raise(ValidationError("not in this phase")), success="x", redirect_to="/")
    assert form.non_field_errors() == ["not in this phase"]


def test_a_button_flashes_the_refusal_and_goes_back():
    request = _request()
    saved = save(request, None, _raise(ValidationError(["first", "second"])), success="x", redirect_to="/back/")
    assert saved.response.url == "/back/"
    assert [str(m) for m in get_messages(request)] == ["first", "second"]


def test_other_refusals_become_the_sentence_made_from_them():
    form = _form()
    saved = save(_request(), form, _raise(ReportError("bad", "$.x")), success="x", redirect_to="/",
                 refusals={ReportError: lambda exc: f"could not: {exc}"})
    assert saved.response is None and form.non_field_errors()[0].startswith("could not: ")


def test_a_permission_refusal_is_not_caught_so_the_page_is_a_403_with_its_reason():
    with pytest.raises(PermissionDenied, match="not yours"):
        save(_request(), _form(), _raise(PermissionDenied("not yours")), success="x", redirect_to="/")


def test_keep_input_carries_the_stored_version_under_the_forms_prefix():
    form = _form(prefix="p")
    keep_input(form, version=7, opened="2025-04-01")
    assert form.data["p-version"] == "7" and form.data["p-opened"] == "2025-04-01"
    assert form.data["p-reason"] == "mine"
