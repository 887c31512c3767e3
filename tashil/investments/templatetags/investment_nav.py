"""The investment pages in the navigation, and small presentation helpers they share:
`{% load investment_nav %}`.

{% investments_nav as nav %}          which investment links the user's roles call for
{{ project.status|project_tone }}      a Bootstrap colour for the status badge
{{ amounts|per_currency }}             a total's amounts per currency, as Money (for |money)
{{ share|share_value }}                «۵۰٪», «۱۲٬۰۰۰ تن»
{{ project.progress|percent }}         «۹۵٪»
"""

from __future__ import annotations

from typing import Any

from django import template

from tashil.accounts.access import has_role, provinces_of
from tashil.accounts.roles import Role
from tashil.core.jalali import format_number, is_persian_ui
from tashil.core.money import Currency, Money
from tashil.investments.models import SectorShare
from tashil.investments.selectors import VISIT_ROLES, Amounts
from tashil.investments.templatetags.money_tags import amount
from tashil.investments.workflow import ProjectStatus

register = template.Library()

# The roles `selectors.projects_for_user` and `exports_for_user` reach: a province, a county or
# a company. Agency staff and experts reach none of it.
PROJECT_ROLES = (Role.SECRETARIAT, Role.EXECUTIVE, Role.COUNTY_SECRETARIAT, Role.COMPANY_REP)

TONES = {
    ProjectStatus.PLANNED: "secondary",
    ProjectStatus.UNDER_CONSTRUCTION: "warning",
    ProjectStatus.OPERATING: "success",
    ProjectStatus.STALLED: "danger",
}


def sees_projects(user: Any) -> bool:
    return has_role(user, *PROJECT_ROLES)


@register.simple_tag(takes_context=True)
def investments_nav(context: template.Context) -> dict[str, bool]:
    """Costs no query: the user's roles are read once per request (accounts.access), and the
    links follow the same roles the selectors scope by."""
    user = context.get("user")
    return {
        "projects": sees_projects(user),
        "exports": sees_projects(user),
        "visits": has_role(user, *VISIT_ROLES),
        # shares_for_user: anyone with a role in a province.
        "shares": bool(provinces_of(user)),
    }


@register.filter
def project_tone(status: str) -> str:
    return TONES.get(status, "secondary")  # type: ignore[call-overload]


@register.filter
def per_currency(amounts: Amounts | None) -> list[Money]:
    """The amounts of a total as entered, one per currency, rial first."""
    if amounts is None:
        return []
    order = list(Currency.values)
    return [
        Money(value, code)
        for code, value in sorted(
            amounts.by_currency.items(),
            key=lambda item: order.index(item[0]) if item[0] in order else len(order),
        )
    ]


@register.filter
def share_value(share: SectorShare) -> str:
    value = amount(share.value)
    if share.unit == "%":
        return f"{value}{'٪' if is_persian_ui() else '%'}"
    return f"{value} {share.unit}"


@register.filter
def percent(value: int | None) -> str:
    if value is None:
        return ""
    return f"{format_number(value)}{'٪' if is_persian_ui() else '%'}"
