from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from tashil.accounts.access import is_administrator, scopes_of


def ui(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "today": timezone.localdate(),
        "is_administrator": is_administrator(user),
        "has_roles": bool(scopes_of(user)),
    }
