"""Failed logins lock a username from an address, through authenticate() and through every
login page (the staff login and the admin's), whatever a client writes into X-Forwarded-For."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import F
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from sengen.declarations.management.commands._base import UsageError
from sengen.security import throttle
from sengen.security.models import LoginFailure

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(password: str, *, username: str = "kikaku", ip: str = "192.0.2.10", **meta):
    request = RequestFactory().post("/staff/login/", REMOTE_ADDR=ip, **meta)
    return authenticate(request, username=username, password=password)


def fail(times: int, **kwargs) -> None:
    for _ in range(times):
        assert attempt("wrong password", **kwargs) is None


def age_failures(minutes: int) -> None:
    LoginFailure.objects.update(at=F("at") - dt.timedelta(minutes=minutes))


def test_the_right_password_logs_in(staff_user):
    assert attempt(PASSWORD) == staff_user


def test_five_failures_lock_the_username_from_that_address_even_with_the_right_password(staff_user):
    fail(5)
    assert attempt(PASSWORD) is None


def test_four_failures_do_not_lock(staff_user):
    fail(4)
    assert attempt(PASSWORD) == staff_user


def test_a_success_resets_the_count(staff_user):
    fail(4)
    assert attempt(PASSWORD) == staff_user
    fail(4)
    assert attempt(PASSWORD) == staff_user


def test_the_lock_ends_after_the_lockout_period(staff_user):
    fail(5)
    age_failures(14)
    assert attempt(PASSWORD) is None
    age_failures(2)
    assert attempt(PASSWORD) == staff_user


def test_failures_spread_wider_than_the_window_do_not_lock(staff_user):
    for _ in range(5):
        fail(1)
        age_failures(4)  # one failure every 4 minutes: never 5 within 15
    assert attempt(PASSWORD) == staff_user


def test_another_address_is_not_locked_so_strangers_cannot_lock_a_director_out(staff_user):
    fail(5, ip="198.51.100.7")
    assert attempt(PASSWORD, ip="192.0.2.10") == staff_user


def test_the_username_counts_whatever_its_case(staff_user):
    fail(3, username="KIKAKU")
    fail(2, username="Kikaku")
    assert attempt(PASSWORD) is None


def test_an_attempt_while_locked_is_not_recorded_and_does_not_extend_the_lock(staff_user):
    fail(5)
    rows = LoginFailure.objects.count()
    fail(20)
    assert LoginFailure.objects.count() == rows
    age_failures(16)
    assert attempt(PASSWORD) == staff_user


def test_an_unknown_username_is_counted_too(db):
    fail(5, username="nobody-here")
    assert throttle.locked_until("nobody-here", "192.0.2.10") is not None


def test_many_usernames_from_one_address_lock_that_address(staff_user, settings):
    settings.SENGEN_LOGIN_IP_FAILURE_LIMIT = 10
    for i in range(10):
        fail(1, username=f"guess{i}")
    assert attempt(PASSWORD) is None
    assert attempt(PASSWORD, ip="192.0.2.99") == staff_user


def test_a_spoofed_x_forwarded_for_does_not_escape_the_lock(staff_user):
    for i in range(5):
        fail(1, HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert attempt(PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.200") is None


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_used(staff_user, settings):
    settings.SENGEN_TRUSTED_PROXIES = ["127.0.0.1"]
    # The client put a fake address first; our proxy appended the real one last.
    fail(5, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5")
    assert attempt(PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5") is None
    assert attempt(PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6") == staff_user


def test_authenticate_without_a_request_is_throttled_too(staff_user):
    for _ in range(5):
        assert authenticate(None, username="kikaku", password="wrong") is None
    assert authenticate(None, username="kikaku", password=PASSWORD) is None


def test_old_failures_are_deleted_as_new_ones_come(staff_user):
    fail(3)
    age_failures(60)
    fail(1)
    assert LoginFailure.objects.count() == 1


def test_sengen_unlock_lifts_a_lock(staff_user, capsys):
    fail(5)
    call_command("unlock", "Kikaku")
    assert "5 件" in capsys.readouterr().out
    assert attempt(PASSWORD) == staff_user


def spray(times: int, ip: str = "192.0.2.10") -> None:
    """Password spraying: one wrong password against many usernames, none of them kikaku's."""
    for i in range(times):
        fail(1, username=f"guess{i}", ip=ip)


def test_sengen_unlock_address_lifts_an_address_lock_that_unlocking_the_user_cannot(staff_user, settings,
                                                                                     capsys):
    """Behind a city hall's one proxy address, anyone's guesses lock every staff member out: the
    operator must be able to lift that, and `unlock USER` must not pretend it did."""
    settings.SENGEN_LOGIN_IP_FAILURE_LIMIT = 10
    spray(10)
    assert attempt(PASSWORD) is None
    call_command("unlock", "kikaku")
    out = capsys.readouterr().out
    assert "0 件" in out and "sengen unlock --address 192.0.2.10" in out
    assert attempt(PASSWORD) is None  # still locked: the lock is the address's
    call_command("unlock", "--address", "192.0.2.10")
    assert "10 件" in capsys.readouterr().out
    assert attempt(PASSWORD) == staff_user


def test_sengen_unlock_address_leaves_other_addresses_locked(staff_user, settings):
    settings.SENGEN_LOGIN_IP_FAILURE_LIMIT = 10
    spray(10, ip="192.0.2.10")
    spray(10, ip="2001:db8::5")
    call_command("unlock", "--address", "2001:DB8::5")  # written as people write it, stored canonical
    assert attempt(PASSWORD, ip="2001:db8::5") == staff_user
    assert attempt(PASSWORD, ip="192.0.2.10") is None


def test_sengen_unlock_all_lifts_every_lock(staff_user, settings):
    settings.SENGEN_LOGIN_IP_FAILURE_LIMIT = 10
    spray(10, ip="192.0.2.10")
    fail(5, ip="192.0.2.20")
    call_command("unlock", "--all")
    assert attempt(PASSWORD, ip="192.0.2.10") == staff_user
    assert attempt(PASSWORD, ip="192.0.2.20") == staff_user
    assert not LoginFailure.objects.exists()


def test_sengen_unlock_list_shows_the_locks_in_force_and_changes_nothing(staff_user, settings, capsys):
    settings.SENGEN_LOGIN_IP_FAILURE_LIMIT = 10
    call_command("unlock", "--list")
    assert "ロックはありません" in capsys.readouterr().out
    spray(10, ip="192.0.2.10")
    fail(5, ip="192.0.2.20")
    fail(2, ip="192.0.2.30")  # not locked
    rows = LoginFailure.objects.count()
    call_command("unlock", "--list")
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("接続元 192.0.2.10: 利用者名を問わず")
    assert lines[1].startswith("接続元 192.0.2.20: 利用者 kikaku")
    assert LoginFailure.objects.count() == rows


@pytest.mark.parametrize("args", [[], ["kikaku", "--all"], ["--address", "not-an-address"]])
def test_sengen_unlock_with_wrong_arguments_says_what_it_needs(db, args):
    with pytest.raises(UsageError) as raised:
        call_command("unlock", *args)
    assert raised.value.returncode == 2
    assert "\n" not in str(raised.value)


def login_urls() -> list[str]:
    urls = [reverse("admin:login")]
    try:
        urls.append(reverse("staff:login"))
    except NoReverseMatch:
        pass
    return urls


@pytest.mark.parametrize("url_index", [0, 1])
def test_the_login_pages_are_throttled(client, staff_user, url_index):
    urls = login_urls()
    if url_index >= len(urls):
        pytest.skip("no staff login page yet")
    url = urls[url_index]
    staff_user.is_superuser = True
    staff_user.save()
    for _ in range(5):
        response = client.post(url, {"username": "kikaku", "password": "wrong"}, REMOTE_ADDR="192.0.2.10")
        assert response.status_code == 200  # the form again, with an error
    response = client.post(url, {"username": "kikaku", "password": PASSWORD}, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(url, {"username": "kikaku", "password": PASSWORD}, REMOTE_ADDR="192.0.2.11")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(staff_user.pk)
