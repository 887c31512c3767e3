"""The one place that answers "may this user see / do this?".

Every selector in every app builds its queryset filter from `visible_q`, so scoping rules live
here and nowhere else. A user's role assignments are read once per request and cached on the user
object.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q

from tashil.accounts.roles import Role

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Scope:
    role: str
    province_id: int | None
    county_id: int | None
    agency_id: int | None
    company_id: int | None


def scopes_of(user: Any) -> tuple[Scope, ...]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return ()
    cached: tuple[Scope, ...] | None = getattr(user, "_tashil_scopes", None)
    if cached is None:
        cached = tuple(
            Scope(*row)
            for row in user.role_assignments.values_list(
                "role", "province_id", "county_id", "agency_id", "company_id"
            )
        )
        user._tashil_scopes = cached
    return cached


def forget_scopes(user: Any) -> None:
    """Called by the services that change roles, so the same request sees the change."""
    user.__dict__.pop("_tashil_scopes", None)


def has_role(user: Any, *roles: str) -> bool:
    return any(scope.role in roles for scope in scopes_of(user))


def is_administrator(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, Role.ADMINISTRATOR)


def is_read_only(user: Any) -> bool:
    """The executive reads everything in its province and changes nothing."""
    roles = {scope.role for scope in scopes_of(user)}
    return roles == {Role.EXECUTIVE}


def provinces_of(user: Any) -> set[int]:
    """Provinces in which the user holds any role."""
    return {s.province_id for s in scopes_of(user) if s.province_id is not None}


def visible_q(
    user: Any,
    *,
    province: str | None = None,
    county: str | None = None,
    agency: str | None = None,
    company: str | None = None,
    assignee: str | None = None,
) -> Q:
    """A filter for the rows of a model this user may see.

    The keyword arguments are the lookup paths from the model to its province, county, agency,
    company and assigned expert (e.g. `agency="referrals__agency"`); a path left out means the
    model cannot be reached through that kind of scope. Provincial secretariat and executive see
    their province, a county secretariat its county, agency staff their agency's rows, a company
    representative their company's, an expert what is assigned to them.
    """
    parts: list[Q] = []
    for scope in scopes_of(user):
        if scope.role in (Role.SECRETARIAT, Role.EXECUTIVE) and province:
            parts.append(Q(**{province: scope.province_id}))
        elif scope.role == Role.COUNTY_SECRETARIAT and county:
            parts.append(Q(**{county: scope.county_id}))
        elif scope.role in (Role.AGENCY_OFFICER, Role.AGENCY_HEAD) and agency:
            parts.append(Q(**{agency: scope.agency_id}))
        elif scope.role == Role.COMPANY_REP and company:
            parts.append(Q(**{company: scope.company_id}))
        elif scope.role == Role.EXPERT and assignee:
            parts.append(Q(**{assignee: user.pk}))
    return reduce(or_, parts) if parts else NOTHING
