"""`check --deploy` is clean when a server is configured as docs/operations.md says, and the
settings fail safe: secure cookies and HSTS unless DEBUG is on."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

PRODUCTION = {
    "SENGEN_SECRET_KEY": secrets.token_urlsafe(50),
    "SENGEN_ALLOWED_HOSTS": "sengen.city.example.jp",
    "SENGEN_SSL_REDIRECT": "1",
    "SENGEN_TRUSTED_PROXIES": "127.0.0.1",
}


def run_django(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    # The browser tests' conftest allows Django's async-unsafe calls in this process (Playwright
    # runs an event loop); a production check must not inherit that.
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SENGEN_", "DATABASE_URL")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean.update({"DJANGO_SETTINGS_MODULE": "sengen.settings", "SENGEN_DATA_DIR": str(tmp_path)}, **env)
    return subprocess.run([sys.executable, "-m", "django", *args], env=clean, capture_output=True, text=True,
                          timeout=120)


def test_check_deploy_is_clean_for_a_production_configuration(tmp_path):
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_when_https_is_not_enforced(tmp_path):
    env = dict(PRODUCTION)
    del env["SENGEN_SSL_REDIRECT"]
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], env, tmp_path)
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


SHOW = ("from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)")


@pytest.mark.parametrize("env, expected", [
    (PRODUCTION, "True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"),
    ({"SENGEN_DEBUG": "1"}, "False False 0 None"),
])
def test_secure_cookies_and_hsts_unless_debugging(tmp_path, env, expected):
    result = run_django(["shell", "-c", SHOW], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == expected


def test_check_deploy_fails_while_the_demo_accounts_exist(tmp_path):
    """`sengen demo` makes an administrator whose password README.md publishes."""
    result = run_django(["migrate", "-v", "0"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    # Outside development mode demo makes no accounts unless told to.
    result = run_django(["demo"], PRODUCTION, tmp_path)
    assert result.returncode == 0 and "見本アカウントは作成しません" in result.stdout, result.stderr
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run_django(["demo", "--accounts"], PRODUCTION, tmp_path)
    assert result.returncode == 0, result.stderr
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert result.returncode != 0
    assert "sengen.E001" in result.stdout + result.stderr and "demo-admin" in result.stdout + result.stderr
