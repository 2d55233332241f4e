"""The admin site's URL path: not ``admin/``, which every scanner on the internet tries.

``SENGEN_ADMIN_PATH`` sets it. Unset, it is derived from the installation's secret key, so each
installation has its own path that stays the same across restarts and servers sharing the
key, without one more secret to keep. ``sengen adminurl`` prints it. Changing the secret key
changes the path (set ``SENGEN_ADMIN_PATH`` where people bookmark it).

The path hides the login page from scanners; it is not what protects the admin — the login,
its throttling and the password policy are.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_ALLOWED = re.compile(r"^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$")


def admin_path() -> str:
    """The path as ``path()`` wants it: no leading slash, one trailing slash."""
    configured = (getattr(settings, "SENGEN_ADMIN_PATH", "") or "").strip().strip("/")
    if configured:
        if not _ALLOWED.match(configured) or {".", ".."} & set(configured.split("/")):
            raise ImproperlyConfigured(
                f"SENGEN_ADMIN_PATH={configured!r}: use letters, digits and . _ ~ - (and / between parts)")
        return configured + "/"
    try:
        key = settings.SECRET_KEY
    except ImproperlyConfigured:
        # No key: a command line run (`sengen migrate`, `sengen import`) that loads the URLs
        # only for its checks. No page could be served without a key, so an unreachable
        # random path is right.
        return f"admin-{secrets.token_hex(10)}/"
    digest = hmac.new(key.encode("utf-8"), b"sengen.admin-path", hashlib.sha256).hexdigest()
    return f"admin-{digest[:20]}/"
