"""What every staff page shares: the login-and-role gate, looking up what the URL names, and
``save``, which turns what a service did into the page's answer the same way on every page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from sengen.declarations.models import Declaration, Initiative
from sengen.declarations.permissions import Refusal, require, staff_of
from sengen.declarations.selectors import declaration_for_staff, initiative_for_staff
from sengen.declarations.services._common import EditConflict


def staff_required(view):
    """Login required; an account without a staff role is refused (403), not shown empty pages."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        require(staff_of(request.user).role is not None, Refusal.NO_STAFF_ACCESS)
        return view(request, *args, **kwargs)

    return wrapper


def declaration_or_404(request, pk: int) -> Declaration:
    try:
        return declaration_for_staff(user=request.user, pk=pk)
    except Declaration.DoesNotExist:
        raise Http404(_("目標宣言が見つかりません")) from None


def initiative_or_404(request, pk: int) -> Initiative:
    try:
        return initiative_for_staff(user=request.user, pk=pk)
    except Initiative.DoesNotExist:
        raise Http404(_("取組が見つかりません")) from None


def keep_input(form, *, version: int | None = None, **fields: str) -> None:
    """After a conflict the person's input stays in ``form``; ``version`` (and any other hidden
    ``fields``) become what is stored now, so the next save is made knowing the other change
    (the page shows all of it), not refused again."""
    if version is not None:
        fields["version"] = str(version)
    if fields:
        form.data = form.data.copy()
        for name, value in fields.items():
            form.data[form.add_prefix(name)] = value


def show_errors(form, exc: ValidationError) -> None:
    """The service's messages on the fields they name (``unmet_reason_12``), others on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@dataclass(frozen=True)
class Saved:
    """What became of a save. ``response``: the redirect once the service did it; otherwise None
    and the form is shown again, with ``stored`` (what ``on_conflict`` returned) beside it."""

    response: HttpResponse | None = None
    stored: Any = None


def save(request, form, write: Callable[[], Any], *, success, redirect_to,
         on_conflict: Callable[[EditConflict], Any] | None = None,
         refusals: dict[type[Exception], Callable[[Exception], str]] | None = None) -> Saved:
    """Call the service (``write()``) and answer as every staff page does:

    - done: ``success`` as a message and a redirect to ``redirect_to`` (either may be a function
      of what the service returned);
    - EditConflict: the form again with the person's input and who saved first; ``on_conflict``
      returns what is stored now, for the page to show beside the input (``Saved.stored``);
    - ValidationError: the form again with the service's messages on the fields they name;
    - another exception in ``refusals``: the form again with the sentence made from it;
    - PermissionDenied: not caught, so a 403 with the service's reason (sengen's error page).

    ``form`` None is a button, not a form: the refusal's messages are flashed and the redirect
    happens anyway, back to the page the button was on."""
    try:
        result = write()
    except EditConflict as exc:
        form.add_error(None, str(exc))
        return Saved(stored=on_conflict(exc) if on_conflict else None)
    except ValidationError as exc:
        if form is not None:
            show_errors(form, exc)
            return Saved()
        for message in exc.messages:
            messages.error(request, message)
        return Saved(response=redirect(_then(redirect_to, None)))
    except tuple(refusals or ()) as exc:
        form.add_error(None, next(say for kind, say in refusals.items() if isinstance(exc, kind))(exc))
        return Saved()
    if success:
        messages.success(request, _then(success, result))
    return Saved(response=redirect(_then(redirect_to, result)))


def _then(value, result):
    return value(result) if callable(value) else value
