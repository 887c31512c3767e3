"""Money on the page: `{{ project.money|money }}` → «۴٬۰۰۰٬۰۰۰ دلار آمریکا» and
`{{ project.amount_rial|rials }}` → «۴٬۲۰۰٬۰۰۰٬۰۰۰٬۰۰۰ ریال», digits and separators in the
language of the page. The rial is spelt out because toman is what people say: a figure
without its unit is off by ten."""

from __future__ import annotations

from decimal import Decimal

from django import template

from tashil.core.jalali import format_number
from tashil.core.money import Currency, Money

register = template.Library()


def _amount(value: Decimal | int) -> str:
    number = Decimal(value)
    if number == number.to_integral_value():
        return format_number(int(number))
    return format_number(float(number))


@register.filter
def money(value: Money | None) -> str:
    if value is None:
        return ""
    return f"{_amount(value.amount)} {Currency(value.currency).label}"


@register.filter
def rials(value: int | None) -> str:
    if value is None:
        return ""
    return f"{_amount(value)} {Currency.RIAL.label}"


@register.filter
def amount(value: Decimal | int | None) -> str:
    """A bare amount, grouped, for a table whose column header names the currency."""
    if value is None:
        return ""
    return _amount(value)
