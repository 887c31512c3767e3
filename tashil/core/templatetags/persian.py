"""Template filters for Persian presentation; loaded as builtins in every template.

{{ case.created_at|jdate }}       ۱۴۰۴/۰۹/۲۴ ۱۴:۳۰
{{ meeting.date|jdate:"long" }}   ۲۴ آذر ۱۴۰۴
{{ total|num }}                   ۱٬۲۳۴٬۵۶۷ (1,234,567 in English)
{{ session_number|digits }}       ۲۲۷
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from tashil.core.jalali import format_jalali, format_number, is_persian_ui
from tashil.core.text import to_persian_digits

register = template.Library()


@register.filter
def jdate(value: dt.date | dt.datetime | None, style: str = "short") -> str:
    return format_jalali(value, style=style)


@register.filter
def num(value: Any) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, int | float):
        try:
            value = int(value)
        except (TypeError, ValueError):
            return str(value)
    return format_number(value)


@register.filter
def digits(value: Any) -> str:
    text = "" if value is None else str(value)
    return to_persian_digits(text) if is_persian_ui() else text
