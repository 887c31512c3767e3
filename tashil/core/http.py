from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from tashil.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    """The request type of views behind @login_required: `user` is a real User."""

    user: User


def is_htmx(request: HttpRequest) -> bool:
    """True for requests htmx makes, which want a partial instead of a whole page."""
    return request.headers.get("HX-Request") == "true"
