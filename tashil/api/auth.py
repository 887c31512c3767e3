"""Who is calling: a machine client with a bearer token, or a browser with its session.

Ninja tries the two in order. A request that carries `Authorization: Bearer …` is judged by the
token alone: a bad token is a 401 even if a session cookie came with it, so a client never acts
as someone other than the token's owner. Without a bearer token the session is used, and a
session request that changes data must carry Django's CSRF token, as a form would.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from tashil.accounts.models import User
from tashil.api.errors import ApiError, ErrorCode
from tashil.api.models import KEY_PREFIX, ApiToken
from tashil.api.services import key_hash, token_mark_used

# A real key is 47 characters; anything much longer is not worth hashing.
MAX_KEY_LENGTH = 200


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User:
        if not token.startswith(KEY_PREFIX) or len(token) > MAX_KEY_LENGTH:
            raise _invalid_token()
        api_token = ApiToken.objects.select_related("user").filter(key_hash=key_hash(token)).first()
        if api_token is None or not api_token.user.is_active:
            raise _invalid_token()
        if api_token.revoked_at is not None:
            raise ApiError(401, ErrorCode.TOKEN_REVOKED, _("This API token was revoked."))
        token_mark_used(token=api_token)
        # Code below the API (selectors, services) reads the user from the request, as in views.
        request.user = api_token.user
        return api_token.user


def _invalid_token() -> ApiError:
    return ApiError(401, ErrorCode.TOKEN_INVALID, _("This API token is not valid."))


class SessionAuth(NinjaSessionAuth):
    """Ninja's session auth, with two differences: an anonymous request is simply not
    authenticated (401, not a CSRF 403), and a failed CSRF check answers with our error body."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        if (
            self.csrf
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise ApiError(
                403,
                ErrorCode.CSRF_FAILED,
                _("The CSRF token is missing or wrong; reload the page and try again."),
            )
        return request.COOKIES.get(self.param_name)


def acting_user(request: HttpRequest) -> User:
    """The authenticated user of an API request (set by TokenAuth or SessionAuth)."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def signed_in_readers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Guards the schema and its Swagger page: a signed-in browser or a valid bearer token reads
    them; anyone else is sent to the login page. The schema names every operation and field,
    which is more than an anonymous visitor needs to know (issue 9: anonymous users reach only
    login, password reset, health and Open311)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.headers.get("Authorization"):
            # As for the operations: a request with a token is judged by the token alone, never
            # by a session beside it (which may not have passed two-factor login yet).
            try:
                allowed = TokenAuth()(request) is not None
            except ApiError:
                allowed = False
        else:
            allowed = request.user.is_authenticated
        if not allowed:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return guarded
