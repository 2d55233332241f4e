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

The operator lifts locks with ``sengen unlock``: a username's (``clear``), an address's whatever
the usernames (``clear_address``), or all (``clear_all``); ``locks`` lists those in force.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
from dataclasses import dataclass

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
    found = []
    if limit > 0:
        found.append(_user_locked_until(username_key(username), ip, now, limit, window, lockout))
    if ip and ip_limit > 0:
        found.append(_address_locked_until(ip, now, window, ip_limit))
    return max((until for until in found if until is not None), default=None)


def _user_locked_until(key: str, ip: str, now, limit: int, window, lockout) -> dt.datetime | None:
    until = None
    times = list(LoginFailure.objects.filter(username=key, ip=ip, at__gte=now - window - lockout)
                 .order_by("at").values_list("at", flat=True))
    for i in range(limit - 1, len(times)):
        if times[i] - times[i - limit + 1] <= window and times[i] + lockout > now:
            until = max(until or now, times[i] + lockout)
    return until


def _address_locked_until(ip: str, now, window, ip_limit: int) -> dt.datetime | None:
    recent = list(LoginFailure.objects.filter(ip=ip, at__gte=now - window)
                  .order_by("-at").values_list("at", flat=True)[:ip_limit])
    return recent[-1] + window if len(recent) >= ip_limit else None


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


def clear_address(ip: str) -> int:
    """Forget every failure from ``ip``, whatever the username (``sengen unlock --address``).

    Clearing each username's failures cannot lift an address lock: it is made of the failures
    of usernames nobody is asking about (a sprayer's guesses), while the staff it locks out
    may have no failure of their own at all."""
    return LoginFailure.objects.filter(ip=ip).delete()[0]


def clear_all() -> int:
    """Forget every failure (``sengen unlock --all``)."""
    return LoginFailure.objects.all().delete()[0]


@dataclass(frozen=True)
class Lock:
    ip: str
    until: dt.datetime
    username: str | None = None  # None: the whole address is locked


def locks(*, now: dt.datetime | None = None) -> list[Lock]:
    """The locks in force now, addresses first: what ``sengen unlock --list`` shows."""
    limit, window, lockout, ip_limit = _limits()
    now = now or timezone.now()
    found = []
    recent = LoginFailure.objects.filter(at__gte=now - window - lockout)
    if ip_limit > 0:
        for ip in recent.exclude(ip="").values_list("ip", flat=True).distinct().order_by("ip"):
            until = _address_locked_until(ip, now, window, ip_limit)
            if until is not None:
                found.append(Lock(ip=ip, until=until))
    if limit > 0:
        pairs = recent.values_list("username", "ip").distinct().order_by("username", "ip")
        for username, ip in pairs:
            until = _user_locked_until(username, ip, now, limit, window, lockout)
            if until is not None:
                found.append(Lock(ip=ip, until=until, username=username))
    return found
