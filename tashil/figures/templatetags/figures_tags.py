"""The figures pages' presentation: `{% load figures_tags %}`.

{% figures_nav as url %}        the figures page the user's roles call for, or ""
{{ value|cell }}                a table cell: ۱٬۲۳۴ for a count, ۱۴۰۴/۰۹/۲۴ for a day, — for none
{{ value|is_number }}           True for a cell the table aligns at the end
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse

from tashil.accounts.access import has_role, is_administrator
from tashil.accounts.roles import Role
from tashil.core.jalali import format_jalali, format_number
from tashil.investments.templatetags.money_tags import amount

register = template.Library()

EMPTY = "—"


@register.simple_tag(takes_context=True)
def figures_nav(context: template.Context) -> str:
    """Costs no query, like the other menus: by role, as `selectors.dashboard_provinces` and
    `scorecard_agencies` decide. The dashboard for the secretariat and the executive, the
    agency's own card for its officers and head."""
    user = context.get("user")
    if is_administrator(user) or has_role(user, Role.SECRETARIAT, Role.EXECUTIVE):
        return reverse("figures:dashboard")
    if has_role(user, Role.AGENCY_OFFICER, Role.AGENCY_HEAD):
        return reverse("figures:scorecard")
    return ""


@register.filter
def cell(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, Decimal):
        return amount(value)
    if isinstance(value, dt.date):
        return format_jalali(value)
    return str(value)


@register.filter
def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)
