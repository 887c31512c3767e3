from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from tashil.accounts.access import has_role, is_administrator, scopes_of
from tashil.accounts.roles import Role


def ui(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "today": timezone.localdate(),
        "is_administrator": is_administrator(user),
        "has_roles": bool(scopes_of(user)),
        "sees_figures": has_role(user, Role.SECRETARIAT, Role.EXECUTIVE),
        # Lazy: only pages that draw the bell pay for the query.
        "unread_notifications": SimpleLazyObject(lambda: _unread(user)),
    }


def _unread(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    from tashil.notifications.selectors import unread_count

    return unread_count(user=user)
