"""Amounts of money (DOMAIN.md §6). The rial is the base unit: every amount is stored as entered
(amount and currency) and as rials, so totals add rials and each total can be reproduced from
the rows it counts.

- rial (IRR): as entered;
- toman (تومان): 10 rials, always;
- US dollar: needs the rate (rials per dollar) and the date of that rate. The rate is part of
  the record, not looked up at display time: a project's rial value does not move with the
  market, and anyone can redo the sum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

TOMAN_IN_RIALS = 10
MAX_RIALS = 10**18


class Currency(models.TextChoices):
    RIAL = "IRR", _("rial")
    TOMAN = "IRT", _("toman")
    USD = "USD", _("US dollar")


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str = Currency.RIAL
    rate: int | None = None  # rials per unit, for a foreign currency
    rate_on: dt.date | None = None

    def rials(self) -> int:
        """The amount in rials; ValidationError (on the field at fault) when it cannot be
        computed, e.g. a dollar amount without its rate."""
        return to_rials(self)


def to_rials(money: Money) -> int:
    amount = Decimal(money.amount)
    if amount < 0:
        raise ValidationError({"amount": _("The amount cannot be negative.")})
    factor: int
    if money.currency == Currency.RIAL:
        factor = 1
    elif money.currency == Currency.TOMAN:
        factor = TOMAN_IN_RIALS
    elif money.currency == Currency.USD:
        errors = {}
        if money.rate is None:
            errors["rate"] = _(
                "A dollar amount needs the exchange rate (rials per dollar) it is counted at."
            )
        elif money.rate <= 0:
            errors["rate"] = _("The exchange rate must be more than zero.")
        if money.rate_on is None:
            errors["rate_on"] = _("Enter the date of the exchange rate.")
        if errors or money.rate is None:
            raise ValidationError(errors)
        factor = money.rate
    else:
        raise ValidationError({"currency": _("Unknown currency.")})
    if money.currency != Currency.USD and (money.rate is not None or money.rate_on is not None):
        raise ValidationError({"rate": _("Only a dollar amount has an exchange rate.")})
    if money.currency != Currency.USD and amount != amount.to_integral_value():
        raise ValidationError({"amount": _("Rials and tomans have no fractions.")})
    rials = int((amount * factor).to_integral_value(rounding=ROUND_HALF_UP))
    if rials > MAX_RIALS:
        # Beyond any real figure (a quintillion rials), and near the column's limit: a typo.
        raise ValidationError(
            {"amount": ValidationError(_("The amount is too large."), code="too_large")}
        )
    return rials


class MoneyFields(models.Model):
    """An amount with its currency, its rate when foreign, and its rial value (derived by
    `to_rials` in the services; the constraints from `money_constraints` hold it to that)."""

    amount = models.DecimalField(_("amount"), max_digits=20, decimal_places=2)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.RIAL
    )
    rate = models.PositiveBigIntegerField(_("rate (rials per unit)"), null=True, blank=True)
    rate_on = models.DateField(_("date of the rate"), null=True, blank=True)
    amount_rial = models.PositiveBigIntegerField(_("amount in rials"))

    class Meta:
        abstract = True

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency, self.rate, self.rate_on)


def money_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The invariants of MoneyFields, named after the concrete model."""
    return [
        models.CheckConstraint(condition=Q(amount__gte=0), name=f"{prefix}_amount_not_negative"),
        models.CheckConstraint(
            condition=Q(currency__in=Currency.values), name=f"{prefix}_currency_known"
        ),
        models.CheckConstraint(
            condition=(
                # `rate > 0` alone lets a NULL rate through: a check passes when it is NULL.
                Q(currency=Currency.USD, rate__isnull=False, rate__gt=0, rate_on__isnull=False)
                | (~Q(currency=Currency.USD) & Q(rate__isnull=True, rate_on__isnull=True))
            ),
            name=f"{prefix}_rate_iff_foreign",
        ),
        models.CheckConstraint(
            condition=(
                ~Q(currency__in=[Currency.RIAL, Currency.TOMAN])
                | Q(currency=Currency.RIAL, amount_rial=models.F("amount"))
                | Q(currency=Currency.TOMAN, amount_rial=models.F("amount") * TOMAN_IN_RIALS)
            ),
            name=f"{prefix}_rial_value",
        ),
    ]
