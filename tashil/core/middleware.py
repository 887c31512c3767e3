from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    """Persian unless the user chose otherwise.

    Django's LocaleMiddleware follows the browser's Accept-Language, so most browsers (set to
    English) would open an English site. Tashil is Persian first: only the language cookie that the
    switcher sets selects another language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        # The same URL answers in two languages, chosen by a cookie: caches must keep both.
        patch_vary_headers(response, ("Cookie",))
        return response


def csp_header_value(policy: dict[str, list[str]]) -> str:
    return "; ".join(" ".join([directive, *sources]) for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Sends settings.TASHIL_CSP with every response that has not set its own policy.

    Django 5.2 has no CSP support of its own. The policy forbids inline script and style, so an
    injected `<script>` or `onerror=` in stored text would not run even if escaping failed. A view
    that needs another policy sets the header itself and this middleware leaves it alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.TASHIL_CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )
        if not any(name in response.headers for name in _CSP_HEADERS):
            response.headers[header] = csp_header_value(settings.TASHIL_CSP)
        return response


_CSP_HEADERS = ("Content-Security-Policy", "Content-Security-Policy-Report-Only")

# The session key holding the time (seconds since the epoch) of the last request.
LAST_SEEN_KEY = "tashil_last_seen"
# The last-seen time is written at most this often, so that a busy page (htmx polling) does not
# rewrite the session on every request.
_LAST_SEEN_GRANULARITY = 60


# The session key holding the time of login. Django's database sessions move their stored expiry
# forward on every save, and the idle clock saves the session while the user is active, so the
# cap of SESSION_COOKIE_AGE from login is kept here, not by the session store.
LOGIN_AT_KEY = "tashil_login_at"


def mark_seen(request: HttpRequest) -> None:
    """Starts the idle clock and the session's lifetime (called at login, so that the first
    request need not save them)."""
    now = int(time.time())
    request.session[LAST_SEEN_KEY] = now
    request.session[LOGIN_AT_KEY] = now


class SessionIdleTimeoutMiddleware:
    """Logs a user out after settings.TASHIL_SESSION_IDLE_SECONDS without a request, and
    SESSION_COOKIE_AGE after login however active they were.

    The idle limit ends a session left open on a shared office computer; the next request then
    goes to the login page like any anonymous one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            self._check(request, session, now=int(time.time()))
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest, session: Any, *, now: int) -> None:
        idle_limit = settings.TASHIL_SESSION_IDLE_SECONDS
        login_at = session.get(LOGIN_AT_KEY)
        last_seen = session.get(LAST_SEEN_KEY)
        if login_at is None:
            # A session from before this key existed: its lifetime starts now.
            session[LOGIN_AT_KEY] = now
        elif now - int(login_at) > settings.SESSION_COOKIE_AGE:
            logout(request)
            return
        if not idle_limit:
            return
        if last_seen is not None and now - int(last_seen) > idle_limit:
            logout(request)
        elif last_seen is None or now - int(last_seen) >= _LAST_SEEN_GRANULARITY:
            session[LAST_SEEN_KEY] = now
