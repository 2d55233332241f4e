"""Failed-login throttling: how many failures lock a username from an address, and for how long.

Two counters, both over a sliding window (``SENGEN_LOGIN_FAILURE_WINDOW`` seconds):

- per username and client address: ``SENGEN_LOGIN_FAILURE_LIMIT`` failures within the window
  lock that username *from that address* for ``SENGEN_LOGIN_LOCKOUT`` seconds after the last of
  them. Keyed by address too, so that anyone on the internet cannot lock a director out of
  their account by typing wrong passwords for it: the director's own PC is another address.
- per client address, whatever the username: ``SENGEN_LOGIN_IP_FAILURE_LIMIT`` failures within
  the window (password spraying: one password tried against many accounts) refuse logins from
  that address until the oldest of them leaves the window. Set high, because a city hall's
  staff often reach the server through one proxy address; 0 turns it off.

An attempt refused while locked does not check the password (no oracle, no CPU spent on
hashing) and is not recorded (the table cannot be flooded, and the lockout does not grow).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging

from django.conf import settings
from django.utils import timezone

from .models import LoginFailure

log = logging.getLogger("sengen.security")


def _limits() -> tuple[int, dt.timedelta, dt.timedelta, int]:
    return (int(settings.SENGEN_LOGIN_FAILURE_LIMIT),
            dt.timedelta(seconds=int(settings.SENGEN_LOGIN_FAILURE_WINDOW)),
            dt.timedelta(seconds=int(settings.SENGEN_LOGIN_LOCKOUT)),
            int(settings.SENGEN_LOGIN_IP_FAILURE_LIMIT))


def username_key(username: str) -> str:
    return str(username).strip().casefold()[:150]


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in settings.SENGEN_TRUSTED_PROXIES:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or — only when that is a proxy listed in
    ``SENGEN_TRUSTED_PROXIES`` — the last address in ``X-Forwarded-For`` that is not one of
    our proxies. A client can write anything into X-Forwarded-For; only the entries our own
    proxies appended can be believed, and those are at its end."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if _trusted(remote):
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
        for hop in reversed(hops):
            if _trusted(hop):
                continue
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                break
    return remote[:45]


def locked_until(username: str, ip: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When logins of ``username`` from ``ip`` are allowed again; None when they are now."""
    limit, window, lockout, ip_limit = _limits()
    now = now or timezone.now()
    until = None
    if limit > 0:
        times = list(LoginFailure.objects.filter(username=username_key(username), ip=ip,
                                                 at__gte=now - window - lockout)
                     .order_by("at").values_list("at", flat=True))
        for i in range(limit - 1, len(times)):
            if times[i] - times[i - limit + 1] <= window and times[i] + lockout > now:
                until = max(until or now, times[i] + lockout)
    if ip and ip_limit > 0:
        recent = list(LoginFailure.objects.filter(ip=ip, at__gte=now - window)
                      .order_by("-at").values_list("at", flat=True)[:ip_limit])
        if len(recent) >= ip_limit:
            until = max(until or now, recent[-1] + window)
    return until


def record_failure(username: str, ip: str, *, now: dt.datetime | None = None) -> None:
    limit, window, lockout, _ = _limits()
    now = now or timezone.now()
    LoginFailure.objects.create(username=username_key(username), ip=ip, at=now)
    # Keep the table to what the counters can still see.
    LoginFailure.objects.filter(at__lt=now - window - lockout).delete()
    until = locked_until(username, ip, now=now)
    if until is not None:
        log.warning("login locked: username=%r ip=%s until %s", username_key(username), ip or "-",
                    until.isoformat(timespec="seconds"))


def clear(username: str, ip: str | None = None) -> int:
    """Forget the failures of ``username`` (from ``ip``, or from everywhere): after a successful
    login, or when an administrator unlocks an account (``sengen unlock``)."""
    qs = LoginFailure.objects.filter(username=username_key(username))
    if ip is not None:
        qs = qs.filter(ip=ip)
    return qs.delete()[0]
