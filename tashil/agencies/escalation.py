"""Escalation of overdue work to the next person up (DOMAIN.md §4): officer → agency head →
secretariat → governor's office, after `TASHIL_ESCALATION_STEPS` working days late.

Shared by case referrals (`cases.services.referrals_escalate`) and meeting resolutions
(`meetings.services.resolutions_follow_up`): both keep an `escalation_level` on the late row,
raise it with a compare-and-set, and notify each newly reached step once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.translation import gettext_noop

from tashil.accounts.models import User
from tashil.accounts.roles import Role
from tashil.core.workdays import WorkCalendar

ESCALATION_WHO = {
    "officer": gettext_noop("agency officer"),
    "agency_head": gettext_noop("agency head"),
    "secretariat": gettext_noop("secretariat"),
    "governor": gettext_noop("governor's office"),
}


def escalation_steps() -> list[tuple[str, int]]:
    steps = sorted(settings.TASHIL_ESCALATION_STEPS, key=lambda step: step[1])
    unknown = [who for who, _days in steps if who not in ESCALATION_WHO]
    if unknown:
        raise ImproperlyConfigured(f"TASHIL_ESCALATION_STEPS: unknown step(s) {unknown}")
    return steps


def steps_reached(
    *, due_on: dt.date, today: dt.date, steps: list[tuple[str, int]], calendar: WorkCalendar
) -> tuple[int, int]:
    """(how many steps a row due on `due_on` has reached by `today`, working days late)."""
    late_by = calendar.working_days_between(due_on, today)
    return sum(1 for _who, days in steps if late_by >= days), late_by


def _users(**role_filter: Any) -> list[User]:
    q = Q(**{f"role_assignments__{key}": value for key, value in role_filter.items()})
    return list(User.objects.filter(q, is_active=True).distinct().order_by("pk"))


def agency_staff(agency_id: int, *, role: str = Role.AGENCY_OFFICER) -> list[User]:
    return _users(role=role, agency_id=agency_id)


def secretariat_for(*, province_id: int, county_id: int | None) -> list[User]:
    """The provincial secretariat and, when the work belongs to a county, that county's."""
    q = Q(role_assignments__role=Role.SECRETARIAT, role_assignments__province_id=province_id)
    if county_id is not None:
        q |= Q(
            role_assignments__role=Role.COUNTY_SECRETARIAT,
            role_assignments__county_id=county_id,
        )
    return list(User.objects.filter(q, is_active=True).distinct().order_by("pk"))


def executives_for(*, province_id: int) -> list[User]:
    return _users(role=Role.EXECUTIVE, province_id=province_id)


def escalation_recipients(
    who: str, *, agency_ids: list[int], province_id: int, county_id: int | None
) -> list[User]:
    """Who is told at step `who` about work late at the agencies `agency_ids`."""
    if who in ("officer", "agency_head"):
        role = Role.AGENCY_OFFICER if who == "officer" else Role.AGENCY_HEAD
        found: dict[int, User] = {}
        for agency_id in agency_ids:
            found.update((user.pk, user) for user in agency_staff(agency_id, role=role))
        return sorted(found.values(), key=lambda user: user.pk)
    if who == "secretariat":
        return secretariat_for(province_id=province_id, county_id=county_id)
    return executives_for(province_id=province_id)
