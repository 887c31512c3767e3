"""Money in rials (DOMAIN.md §6): rials as entered, tomans times ten, dollars at the rate recorded
with them. The conversion refuses what it cannot count, on the field at fault, and the database
refuses a row whose columns disagree, whoever writes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from tashil.core.money import TOMAN_IN_RIALS, Currency, Money, to_rials

RATE_ON = dt.date(2025, 12, 10)


def errors_of(money: Money) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        to_rials(money)
    return raised.value.message_dict


# --- Conversion ----------------------------------------------------------------------------------


def test_a_rial_amount_is_counted_as_it_is() -> None:
    assert to_rials(Money(Decimal("1500000"), Currency.RIAL)) == 1_500_000


def test_a_toman_is_ten_rials() -> None:
    assert TOMAN_IN_RIALS == 10
    assert to_rials(Money(Decimal("1500000"), Currency.TOMAN)) == 15_000_000


def test_a_dollar_amount_is_counted_at_its_rate() -> None:
    # The reference line: USD 4,000,000 at 1,050,000 rials to the dollar.
    money = Money(Decimal("4000000"), Currency.USD, 1_050_000, RATE_ON)
    assert to_rials(money) == 4_200_000_000_000


def test_money_knows_its_own_rial_value() -> None:
    money = Money(Decimal("12.5"), Currency.USD, 1_000_000, RATE_ON)
    assert money.rials() == to_rials(money) == 12_500_000


@pytest.mark.parametrize(
    ("amount", "rate", "expected"),
    [
        ("1.25", 2, 3),  # 2.5: half up, where banker's rounding would give 2
        ("1.75", 2, 4),  # 3.5
        ("0.01", 49, 0),  # 0.49 rounds down
        ("0.01", 50, 1),  # 0.50 rounds up
        ("999999.99", 1_050_001, 1_050_000_989_500),  # …989,499.99: the cents count
    ],
)
def test_dollars_and_cents_round_half_up_to_the_rial(amount: Any, rate: Any, expected: Any) -> None:
    assert to_rials(Money(Decimal(amount), Currency.USD, rate, RATE_ON)) == expected


def test_a_dollar_amount_without_its_rate_is_refused_on_the_rate() -> None:
    errors = errors_of(Money(Decimal("100"), Currency.USD, None, RATE_ON))
    assert list(errors) == ["rate"]


def test_a_rate_of_zero_is_no_rate() -> None:
    assert list(errors_of(Money(Decimal("100"), Currency.USD, 0, RATE_ON))) == ["rate"]


def test_the_missing_rate_is_explained_in_english() -> None:
    with translation.override("en"):
        errors = errors_of(Money(Decimal("100"), Currency.USD, None, RATE_ON))
        assert errors["rate"] == [
            "A dollar amount needs the exchange rate (rials per dollar) it is counted at."
        ]


def test_the_missing_rate_is_explained_in_persian() -> None:
    with translation.override("fa"):
        errors = errors_of(Money(Decimal("100"), Currency.USD, None, RATE_ON))
        assert errors["rate"] == ["برای مبلغ دلاری، نرخ ارز (ریال به ازای هر دلار) را وارد کنید."]


def test_a_dollar_amount_without_the_date_of_its_rate_is_refused_on_that_date() -> None:
    with translation.override("en"):
        errors = errors_of(Money(Decimal("100"), Currency.USD, 1_050_000, None))
        assert errors == {"rate_on": ["Enter the date of the exchange rate."]}


def test_a_dollar_amount_with_neither_rate_nor_date_names_both() -> None:
    assert set(errors_of(Money(Decimal("100"), Currency.USD))) == {"rate", "rate_on"}


@pytest.mark.parametrize(
    ("currency", "rate", "rate_on"),
    [
        (Currency.RIAL, 1_050_000, RATE_ON),
        (Currency.RIAL, 1_050_000, None),
        (Currency.TOMAN, None, RATE_ON),
    ],
)
def test_a_rate_on_a_rial_or_toman_amount_is_refused(
    currency: Any, rate: Any, rate_on: Any
) -> None:
    with translation.override("en"):
        errors = errors_of(Money(Decimal("100"), currency, rate, rate_on))
        assert errors == {"rate": ["Only a dollar amount has an exchange rate."]}


def test_a_rate_of_zero_on_a_rial_amount_is_still_a_rate() -> None:
    assert list(errors_of(Money(Decimal("100"), Currency.RIAL, 0, None))) == ["rate"]


@pytest.mark.parametrize("currency", [Currency.RIAL, Currency.TOMAN])
def test_rials_and_tomans_have_no_fractions(currency: Any) -> None:
    with translation.override("en"):
        errors = errors_of(Money(Decimal("100.5"), currency))
        assert errors == {"amount": ["Rials and tomans have no fractions."]}


def test_trailing_zero_cents_are_not_a_fraction() -> None:
    # A DecimalField with two places reads 100 back as 100.00.
    assert to_rials(Money(Decimal("100.00"), Currency.RIAL)) == 100


@pytest.mark.parametrize(
    "money",
    [
        Money(Decimal("-1"), Currency.RIAL),
        Money(Decimal("-1"), Currency.TOMAN),
        Money(Decimal("-0.01"), Currency.USD, 1_050_000, RATE_ON),
    ],
)
def test_a_negative_amount_is_refused(money: Any) -> None:
    with translation.override("en"):
        assert errors_of(money) == {"amount": ["The amount cannot be negative."]}


def test_a_negative_rate_is_refused_on_the_rate() -> None:
    assert list(errors_of(Money(Decimal("100"), Currency.USD, -1_050_000, RATE_ON))) == ["rate"]


def test_an_unknown_currency_is_refused() -> None:
    assert list(errors_of(Money(Decimal("100"), "EUR"))) == ["currency"]


def test_zero_is_an_amount() -> None:
    assert to_rials(Money(Decimal("0"), Currency.USD, 1_050_000, RATE_ON)) == 0


# --- The database holds the columns together ------------------------------------------------------


@pytest.fixture
def money_rows(company: Any) -> list[tuple[Any, int, str]]:
    """A consistent row of each model that carries MoneyFields: (model, pk, constraint prefix).
    Written directly, as an import script or a shell session would."""
    from tashil.geo.models import Country
    from tashil.investments.models import ExportFigure, Project, Sector

    sector = Sector.objects.create(code="detergents", name="شوینده")
    project = Project.objects.create(
        province=company.province,
        company=company,
        title="خط تولید",
        sector=sector,
        county=company.county,
        amount=Decimal("1000"),
        currency=Currency.RIAL,
        amount_rial=1000,
    )
    figure = ExportFigure.objects.create(
        company=company,
        kind="forecast",
        year=1404,
        country=Country.objects.create(code="RU", alpha3="RUS", name="روسیه"),
        amount=Decimal("1000"),
        currency=Currency.USD,
        rate=1_050_000,
        rate_on=RATE_ON,
        amount_rial=1_050_000_000,
        source="گمرک",
    )
    return [(Project, project.pk, "project"), (ExportFigure, figure.pk, "export")]


@pytest.mark.parametrize(
    ("constraint", "values"),
    [
        ("amount_not_negative", {"currency": Currency.USD, "amount": Decimal("-1")}),
        ("currency_known", {"currency": "EUR"}),
        ("rate_iff_foreign", {"currency": Currency.USD, "rate": None, "rate_on": RATE_ON}),
        ("rate_iff_foreign", {"currency": Currency.USD, "rate": 1_050_000, "rate_on": None}),
        ("rate_iff_foreign", {"currency": Currency.USD, "rate": 0, "rate_on": RATE_ON}),
        ("rate_iff_foreign", {"currency": Currency.RIAL, "rate": 1_050_000, "rate_on": RATE_ON}),
        ("rate_iff_foreign", {"currency": Currency.TOMAN, "rate_on": RATE_ON, "amount_rial": 10}),
        ("rial_value", {"currency": Currency.RIAL, "amount": 1000, "amount_rial": 999}),
        ("rial_value", {"currency": Currency.TOMAN, "amount": 1000, "amount_rial": 1000}),
        ("rial_value", {"currency": Currency.RIAL, "amount": Decimal("1.5"), "amount_rial": 2}),
    ],
)
def test_the_database_refuses_inconsistent_money(
    money_rows: Any, constraint: Any, values: Any
) -> None:
    base: dict[str, Any] = {"currency": Currency.RIAL, "rate": None, "rate_on": None}
    if values.get("currency") == Currency.USD:
        base = {"currency": Currency.USD, "rate": 1_050_000, "rate_on": RATE_ON}
    for model, pk, prefix in money_rows:
        before = model.objects.values("amount", "currency", "rate", "rate_on", "amount_rial").get(
            pk=pk
        )
        fields = {**base, "amount": 1, "amount_rial": 1, **values}
        if fields["currency"] == Currency.USD and "amount_rial" not in values:
            fields["amount_rial"] = 0
        with pytest.raises(IntegrityError) as raised, transaction.atomic():
            model.objects.filter(pk=pk).update(**fields)
        assert f"{prefix}_{constraint}" in str(raised.value)
        after = model.objects.values("amount", "currency", "rate", "rate_on", "amount_rial")
        assert after.get(pk=pk) == before


def test_the_database_accepts_each_consistent_form(money_rows: Any) -> None:
    consistent = [
        Money(Decimal("1000"), Currency.RIAL),
        Money(Decimal("1000"), Currency.TOMAN),
        Money(Decimal("1.5"), Currency.USD, 3, RATE_ON),  # 4.5 rials: the rounding is ours
    ]
    for model, pk, _prefix in money_rows:
        for money in consistent:
            model.objects.filter(pk=pk).update(
                amount=money.amount,
                currency=money.currency,
                rate=money.rate,
                rate_on=money.rate_on,
                amount_rial=money.rials(),
            )
            row = model.objects.get(pk=pk)
            assert (row.money, row.amount_rial) == (money, money.rials())
