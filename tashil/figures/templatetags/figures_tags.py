"""The figures pages' presentation: `{% load figures_tags %}`.

{% figures_nav as url %}        the figures page the user's roles call for, or ""
{{ value|cell }}                a table cell: ۱٬۲۳۴ for a count, ۱۴۰۴/۰۹/۲۴ for a day, — for none
{{ value|is_number }}           True for a cell the table aligns at the end
{% figure_rows table %}         the body rows of a figures table (see `_grid.html`)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from tashil.accounts.access import has_role
from tashil.accounts.roles import Role
from tashil.core.jalali import format_jalali, format_number

register = template.Library()

EMPTY = "—"


@register.simple_tag(takes_context=True)
def figures_nav(context: template.Context) -> str:
    """Costs no query, like the other menus: by role, as `selectors.dashboard_provinces` and
    `scorecard_agencies` decide. The dashboard for the secretariat and the executive, the
    agency's own card for its officers and head."""
    user = context.get("user")
    if has_role(user, Role.SECRETARIAT, Role.EXECUTIVE):
        return reverse("figures:dashboard")
    if has_role(user, Role.AGENCY_OFFICER, Role.AGENCY_HEAD):
        return reverse("figures:scorecard")
    return ""


def _cell(value: Any, language: str | None) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return format_number(value, language)
    if isinstance(value, Decimal):
        # As `money_tags.amount`: a whole amount without decimals.
        if value == value.to_integral_value():
            return format_number(int(value), language)
        return format_number(float(value), language)
    if isinstance(value, dt.date):
        return format_jalali(value, language=language)
    return str(value)


@register.filter
def cell(value: Any) -> str:
    return _cell(value, None)


@register.simple_tag
def figure_rows(table: Any) -> SafeString:
    """The body rows of a figures table, each number linked to its records. Written here rather
    than as nested template loops: a dashboard has hundreds of cells, and the template engine
    spent more on them than the database on the figures. The language is read once."""
    language = get_language()
    rows = []
    for row in table.cells():
        cells = []
        for value, link in row:
            text: str = conditional_escape(_cell(value, language))
            if link:
                text = f'<a href="{conditional_escape(link)}">{text}</a>'
            align = ' class="text-end"' if is_number(value) else ""
            cells.append(f"<td{align}>{text}</td>")
        rows.append(f"<tr>{''.join(cells)}</tr>\n  ")
    return mark_safe("".join(rows))  # noqa: S308 - every value and link is escaped above


@register.filter
def is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)
