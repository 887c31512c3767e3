from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from tashil.accounts.access import has_role
from tashil.accounts.roles import STAFF_ROLES
from tashil.accounts.two_factor import HAS_DEVICE, session_state

API_PREFIX = "/api/v1/"


class TwoFactorMiddleware:
    """A user with two-factor login on counts as logged in only after a code in this session.

    Until then every page redirects to the code page; only that page, logout, the language
    switch and static files answer. With TASHIL_REQUIRE_2FA_FOR_STAFF, a user holding a staff
    role without two-factor login is sent to set it up in the same way. Requests with an API
    token are left to the token, which is a credential of its own.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not user.is_authenticated or self._always_open(request):
            return self.get_response(request)
        # request.path, like reverse(), includes the script prefix of a deployment under a path.
        path = request.path
        if session_state(request) == HAS_DEVICE:
            # Not the setup page: a password alone must not be enough to enrol another app.
            verified = user.is_verified()  # type: ignore[attr-defined]  # set by OTPMiddleware
            if not verified and path != reverse("accounts:two_factor_verify"):
                return self._redirect(request, "accounts:two_factor_verify")
        elif (
            settings.TASHIL_REQUIRE_2FA_FOR_STAFF
            and path != reverse("accounts:two_factor_setup")
            and has_role(user, *STAFF_ROLES)
        ):
            return self._redirect(request, "accounts:two_factor_setup")
        return self.get_response(request)

    @staticmethod
    def _always_open(request: HttpRequest) -> bool:
        # The API judges a request that carries a token by the token alone (api/auth.py), never
        # by the session beside it; elsewhere the header counts for nothing.
        if request.path_info.startswith(API_PREFIX) and request.headers.get(
            "Authorization", ""
        ).startswith("Bearer "):
            return True
        path = request.path
        allowed = (
            reverse("accounts:logout"),
            reverse("set_language"),
            reverse("javascript-catalog"),
            reverse("healthz"),
        )
        return path in allowed or path.startswith("/" + settings.STATIC_URL.lstrip("/"))

    @staticmethod
    def _redirect(request: HttpRequest, name: str) -> HttpResponse:
        target = reverse(name)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
