"""Security headers and cookies: the Content-Security-Policy, clickjacking protection, and what
TASHIL_HTTPS turns on; `manage.py check --deploy` is clean with production settings.

The production values are read from tashil/settings.py itself, run with a production
environment, so that these tests fail when a line of the settings is lost, not only when Django
changes.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from django.conf import settings as django_settings
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tashil.conftest import PASSWORD
from tashil.core.middleware import ContentSecurityPolicyMiddleware

ROOT = Path(__file__).resolve().parents[3]
SETTINGS_FILE = ROOT / "tashil" / "settings.py"
LOGIN = reverse("accounts:login")
PRODUCTION_SECRET = "x7-" + "k" * 20 + "Qz9!" + "m" * 30  # 50+ characters, varied
HTTPS_SETTINGS = (
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
)


def settings_module(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> ModuleType:
    """tashil/settings.py evaluated afresh under `env` (the running settings are untouched)."""
    monkeypatch.setenv("TASHIL_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("DJANGO_SECRET_KEY", PRODUCTION_SECRET)
    for name in ("TASHIL_HTTPS", "TASHIL_BEHIND_PROXY", "TASHIL_HSTS_PRELOAD", "DJANGO_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("tashil_settings_under_test", SETTINGS_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def https_overrides(module: ModuleType) -> dict[str, object]:
    names = (*HTTPS_SETTINGS, "SECURE_PROXY_SSL_HEADER")
    return {name: getattr(module, name, None) for name in names}


# --- Content-Security-Policy ----------------------------------------------------------------------


def directives(header: str) -> dict[str, list[str]]:
    parts = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def test_every_page_carries_a_policy_that_forbids_inline_script_and_style(client, secretariat):
    client.force_login(secretariat)
    for url in (LOGIN, reverse("core:home"), reverse("cases:list")):
        response = client.get(url)
        policy = directives(response.headers["Content-Security-Policy"])

        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        header = response.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in header and "unsafe-eval" not in header


def test_the_policy_is_the_one_in_the_settings(client, db):
    policy = {"default-src": ["'none'"], "img-src": ["'self'", "data:"]}
    with override_settings(TASHIL_CSP=policy):
        response = client.get(LOGIN)

    assert response.headers["Content-Security-Policy"] == "default-src 'none'; img-src 'self' data:"


def test_report_only_mode_reports_instead_of_blocking(client, db, settings):
    settings.TASHIL_CSP_REPORT_ONLY = True
    response = client.get(LOGIN)

    assert "Content-Security-Policy" not in response.headers
    assert "script-src 'self'" in response.headers["Content-Security-Policy-Report-Only"]


def test_a_view_that_sets_its_own_policy_keeps_it():
    def view(request):
        response = HttpResponse()
        response.headers["Content-Security-Policy"] = "default-src 'self' 'unsafe-inline'"
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/"))

    assert response.headers["Content-Security-Policy"] == "default-src 'self' 'unsafe-inline'"


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I), "script"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style\b", re.I), "<style>"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    (re.compile(r"hx-on", re.I), "hx-on handler (evaluated as inline script)"),
]


COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)


def blank_out(match: re.Match[str]) -> str:
    # Comments never reach the browser; keep their newlines so that line numbers stay right.
    return "\n" * match.group(0).count("\n")


def test_no_served_template_has_inline_script_or_style():
    """The policy would block them in the browser; this finds them before a user does. PDF
    templates (rendered by WeasyPrint, never served as HTML) and e-mail bodies are exempt."""
    offenders = []
    for template in sorted((ROOT / "tashil").glob("**/templates/**/*.html")):
        if "pdf" in template.relative_to(ROOT).parts or "email" in template.parts:
            continue
        text = COMMENT.sub(blank_out, template.read_text(encoding="utf-8"))
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{template.relative_to(ROOT)}:{line}: {what}")

    assert offenders == []


def test_htmx_is_told_not_to_inject_its_indicator_style(client, secretariat):
    client.force_login(secretariat)
    body = client.get(reverse("core:home")).content.decode()

    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in body
    css = (ROOT / "tashil" / "static" / "css" / "tashil.css").read_text()
    assert ".htmx-request .htmx-indicator" in css


# --- Clickjacking and other headers ---------------------------------------------------------------


def test_no_page_may_be_framed_and_types_are_not_sniffed(client, secretariat):
    client.force_login(secretariat)
    response = client.get(reverse("core:home"))

    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


# --- HTTPS ----------------------------------------------------------------------------------------


def test_without_tashil_https_nothing_insists_on_https(monkeypatch, tmp_path):
    module = settings_module(monkeypatch, tmp_path)

    assert https_overrides(module) == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_over_https_plain_http_is_redirected_and_hsts_is_sent(client, db, monkeypatch, tmp_path):
    module = settings_module(monkeypatch, tmp_path, TASHIL_HTTPS="1")
    with override_settings(**https_overrides(module)):
        plain = client.get(LOGIN)
        secure = client.get(LOGIN, secure=True)

    assert plain.status_code == 301
    assert plain.url == f"https://testserver{LOGIN}"
    assert secure.status_code == 200
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert secure.cookies["csrftoken"]["secure"] is True


def test_over_https_the_session_cookie_is_secure_http_only_and_same_site(
    client, secretariat, monkeypatch, tmp_path
):
    module = settings_module(monkeypatch, tmp_path, TASHIL_HTTPS="1")
    with override_settings(**https_overrides(module)):
        response = client.post(
            LOGIN, {"username": "secretariat", "password": PASSWORD}, secure=True
        )

    assert response.status_code == 302
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_behind_a_proxy_the_forwarded_scheme_counts(client, db, monkeypatch, tmp_path):
    module = settings_module(monkeypatch, tmp_path, TASHIL_HTTPS="1", TASHIL_BEHIND_PROXY="1")
    with override_settings(**https_overrides(module)):
        response = client.get(LOGIN, headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert "Strict-Transport-Security" in response.headers


# --- manage.py check --deploy ---------------------------------------------------------------------


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TASHIL_", "DJANGO_")) and key != "DATABASE_URL"
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="tashil.settings",
        TASHIL_VAR_DIR=str(tmp_path),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_SECRET,
        DJANGO_ALLOWED_HOSTS="tashil.example.ir",
        **env,
    )
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deploy_check_is_clean_with_production_settings(tmp_path):
    result = deploy_check(tmp_path, TASHIL_HTTPS="1")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_complains_without_https(tmp_path):
    # The check above is not clean by accident: leave HTTPS off and it names what is missing.
    result = deploy_check(tmp_path)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output
