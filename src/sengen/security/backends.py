"""``authenticate()`` with failed-login throttling (see ``throttle``).

A backend rather than a login view, so that every way in is covered: the staff login, the
admin's login, and any view added later that calls ``django.contrib.auth.authenticate``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from . import throttle


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = throttle.client_ip(request)
        until = throttle.locked_until(username, ip)
        if until is not None:
            if request is not None:
                # For a login view that wants to say why (the form's own message stays generic).
                request.sengen_login_locked_until = until
            # PermissionDenied stops authenticate() from trying any other backend; it then
            # returns None and sends user_login_failed like any failed login.
            raise PermissionDenied("too many failed logins")
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            throttle.record_failure(username, ip)
        else:
            throttle.clear(username, ip)
        return user
