"""The press brief: written from the figures of one day, every number read from the records;
the press office's page to generate, edit and save it, and a saved brief's page.

The expected sentences are assembled here from the translated messages and from values counted
in the test itself from the raw records (`brief_records`, the reference scenario of 1404/09/24),
so a number the brief got from anywhere else would not match.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

from tashil.core.jalali import format_jalali, format_number
from tashil.core.money import Currency, Money
from tashil.core.text import to_persian_digits
from tashil.factories import CertificateFactory
from tashil.figures.models import PressBrief
from tashil.figures.press import brief_text, money
from tashil.figures.services import PRESS_BRIEF_MAX_LENGTH
from tashil.figures.tests.reports_records import at, build_brief
from tashil.investments.models import ExportFigure, Project, SectorShare, ShareBasis
from tashil.investments.services import project_create, project_open, share_add
from tashil.investments.workflow import ProjectStatus
from tashil.registry.models import Certificate
from tashil.registry.services import target_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def brief_records(request: pytest.FixtureRequest) -> SimpleNamespace:
    return build_brief(request)


def fa(message: str, context: str | None = None, **values: Any) -> str:
    """A sentence of the brief as the Persian brief writes it."""
    with translation.override("fa"):
        text = pgettext(context, message) if context else gettext(message)
    return text % values if values else text


def fa_plural(singular: str, plural: str, count: int, **values: Any) -> str:
    with translation.override("fa"):
        return ngettext(singular, plural, count) % values


def digits(value: int) -> str:
    with translation.override("fa"):
        return format_number(value)


def in_millions(amount: Decimal, unit: str) -> str:
    millions = amount / 10**6
    number = fa("one", "press") if millions == 1 else to_persian_digits(str(int(millions)))
    return fa(unit, "press", amount=fa("%(number)s million", "press", number=number))


def attributed(province: Any, sentence: str) -> str:
    return fa(
        "According to the public relations office of the Production Facilitation HQ of "
        "%(province)s province, %(sentence)s",
        province=province.name,
        sentence=sentence,
    )


def valid_units(on: dt.date) -> int:
    """Companies with a certificate valid on `on`, counted from the rows."""
    return len(
        {
            c.company_id
            for c in Certificate.objects.all()
            if c.issued_on <= on <= c.expires_on and (c.revoked_on is None or c.revoked_on > on)
        }
    )


# --- What the brief says -------------------------------------------------------------------------


def test_the_brief_opens_with_the_active_units_and_the_target_of_the_day(
    brief_records: SimpleNamespace,
) -> None:
    r = brief_records

    text = brief_text(province=r.province, on=r.on)

    sentence = fa(
        "%(count)s knowledge-based units are now active in %(province)s province; the goal is "
        "to reach %(target)s units by %(due)s.",
        count=digits(valid_units(r.on)),
        province=r.province.name,
        target=digits(r.target.count),
        due=format_jalali(r.target.due_on, "long", language="fa"),
    )
    assert text.startswith(attributed(r.province, sentence))
    assert "۷" in sentence and "۲۰۰" in sentence and "۲۹ اسفند ۱۴۰۵" in sentence


def test_the_brief_tells_the_line_opened_that_day_with_its_investment_jobs_products_and_exports(
    brief_records: SimpleNamespace,
) -> None:
    r = brief_records
    line = Project.objects.get(pk=r.line.pk)
    forecasts = list(
        ExportFigure.objects.filter(project=line, kind="forecast", year=1405).order_by(
            "-amount_rial"
        )
    )

    text = brief_text(province=r.province, on=r.on)

    opened = fa(
        "The line “%(title)s” of %(company)s %(place)s, with an investment of %(investment)s, "
        "was opened %(when)s.",
        title=line.title,
        company=line.company.legal_name,
        place=fa(
            "in the %(estate)s %(kind)s", "press", estate="کاسپین", kind=fa("industrial city")
        ),
        investment=in_millions(line.amount, "%(amount)s dollars"),
        when=fa("today", "press"),
    )
    assert opened in text
    assert "۴ " in opened
    assert (
        fa(
            "It employs %(jobs)s people and makes %(products)s types of product.",
            jobs=digits(line.jobs_created or 0),
            products=digits(line.product_types or 0),
        )
        in text
    )
    total = sum((f.amount for f in forecasts), Decimal(0))
    names = [f.group.name if f.group else f.country.name for f in forecasts]  # type: ignore[union-attr]
    assert names == ["کشورهای عربی", "روسیه"]
    assert (
        fa(
            "Its exports are forecast at %(amount)s a year to %(destinations)s.",
            amount=in_millions(total, "%(amount)s dollars"),
            destinations=fa("%(items)s and %(last)s", "press", items=names[0], last=names[1]),
        )
        in text
    )


def test_the_share_is_the_newest_stated_by_that_day_and_each_other_source_is_named_once(
    brief_records: SimpleNamespace,
) -> None:
    r = brief_records
    stated = list(SectorShare.objects.filter(stated_on__lte=r.on).order_by("-stated_on", "-id"))
    newest = stated[0]

    text = brief_text(province=r.province, on=r.on)

    assert (
        fa(
            "According to %(source)s, %(share)s of the country's need for %(sector)s is produced "
            "in %(province)s province.",
            source=newest.source,
            share=fa("%(number)s percent", "press", number=digits(int(newest.value))),
            sector="شوینده",
            province=r.province.name,
        )
        in text
    )
    others = [
        fa(
            "%(share)s %(basis)s according to %(source)s",
            "press",
            share=fa("%(number)s percent", "press", number=digits(int(share.value))),
            basis=fa("of national output", "press"),
            source=share.source,
        )
        for share in stated
        if share.source != newest.source
    ]
    assert fa("Other sources give other figures: %(figures)s.", figures="؛ ".join(others)) in text
    # The spokesperson's older figure (45%) and the one stated the next day (55%) are not in it.
    assert "۴۵" not in text
    assert "۵۵" not in text


def test_the_sector_of_the_figure_stated_that_day_comes_first(
    brief_records: SimpleNamespace,
) -> None:
    r = brief_records
    share_add(
        actor=None,
        province=r.province,
        sector=r.cosmetics,
        basis=ShareBasis.OUTPUT,
        value=Decimal(25),
        source="استاندار قزوین",
        stated_on=r.on - dt.timedelta(days=100),
    )

    text = brief_text(province=r.province, on=r.on)

    assert text.index("استاندار قزوین") > text.index("شوینده") > 0


def test_the_follow_up_counts_the_year_so_far(brief_records: SimpleNamespace) -> None:
    r = brief_records
    resolutions = list(r.session.resolutions.all())
    executed = sum(1 for x in resolutions if x.state == "executed")

    text = brief_text(province=r.province, on=r.on)

    assert (
        fa(
            "The province's Production Facilitation HQ meets every %(weekday)s to review and "
            "follow up the problems of production units.",
            weekday="چهارشنبه",
        )
        in text
    )
    sessions = fa_plural(
        "%(n)s session of the provincial HQ",
        "%(n)s sessions of the provincial HQ",
        1,
        n=digits(1),
    )
    assert (
        fa(
            "Since the start of %(year)s, %(sentence)s",
            year="۱۴۰۴",
            sentence=fa_plural(
                "%(sessions)s has been held.", "%(sessions)s have been held.", 1, sessions=sessions
            ),
        )
        in text
    )
    assert (
        fa_plural(
            "They issued %(total)s resolution, and the agencies have executed %(executed)s of it.",
            "They issued %(total)s resolutions, and the agencies have executed "
            "%(executed)s of them.",
            len(resolutions),
            total=digits(len(resolutions)),
            executed=digits(executed),
        )
        in text
    )
    loans = fa("%(number)s billion", "press", number=digits(120))
    assert fa("%(amount)s rials", "press", amount=loans) in text
    assert fa("%(jobs)s jobs preserved", jobs=digits(35)) in text


def test_a_province_with_only_units_gets_one_sentence_and_no_zero(
    province: Any, company: Any, tehran_clock: Any
) -> None:
    on = dt.date(2025, 12, 15)
    CertificateFactory(company=company, issued_on=on - dt.timedelta(days=10))

    text = brief_text(province=province, on=on)

    assert text == attributed(
        province,
        fa(
            "%(count)s knowledge-based units are now active in %(province)s province.",
            count=digits(1),
            province=province.name,
        ),
    )
    assert "۰" not in text


def test_a_province_without_figures_gets_no_text(province: Any) -> None:
    assert brief_text(province=province, on=dt.date(2025, 12, 15)) == ""


def test_a_target_whose_day_has_passed_is_not_given_as_the_goal(
    province: Any, company: Any, tehran_clock: Any
) -> None:
    on = dt.date(2025, 12, 15)
    CertificateFactory(company=company, issued_on=on - dt.timedelta(days=10))
    at(tehran_clock, on - dt.timedelta(days=100))
    target_set(actor=None, province=province, count=300, due_on=on - dt.timedelta(days=1))

    text = brief_text(province=province, on=on)

    assert "۳۰۰" not in text


def test_without_an_opening_that_day_the_brief_names_the_lines_of_the_last_30_days(
    brief_records: SimpleNamespace,
) -> None:
    r = brief_records
    opened = format_jalali(r.line.opened_on, "long", language="fa")

    ten_days_later = brief_text(province=r.province, on=r.on + dt.timedelta(days=10))
    thirty_days_later = brief_text(province=r.province, on=r.on + dt.timedelta(days=30))

    assert fa("on %(date)s", "press", date=opened) in ten_days_later
    assert fa("today", "press") not in ten_days_later
    assert r.line.title not in thirty_days_later


def test_several_lines_opened_that_day_are_counted_together_first(
    brief_records: SimpleNamespace,
) -> None:
    r = brief_records
    second = project_create(
        actor=None,
        company=r.other_company,
        title="خط تولید قطعات پلاستیکی",
        sector=r.cosmetics,
        investment=Money(Decimal(500 * 10**9), Currency.RIAL),
        source="اداره کل صمت",
        jobs_planned=30,
        jobs_created=30,
        status=ProjectStatus.UNDER_CONSTRUCTION,
    )
    project_open(actor=None, project=second, on=r.on, source="اداره کل صمت")
    lines = Project.objects.filter(status="operating", opened_on=r.on)
    jobs = sum(line.jobs_created or 0 for line in lines)

    text = brief_text(province=r.province, on=r.on)

    # By currency, rials first.
    investment = fa(
        "%(items)s and %(last)s",
        "press",
        items=fa(
            "%(amount)s rials", "press", amount=fa("%(number)s billion", "press", number="۵۰۰")
        ),
        last=in_millions(Decimal(4_000_000), "%(amount)s dollars"),
    )
    assert (
        fa(
            "Today %(count)s production lines with an investment of %(investment)s were opened "
            "in the province, creating %(jobs)s jobs.",
            count=digits(lines.count()),
            investment=investment,
            jobs=digits(jobs),
        )
        in text
    )
    assert "خط تولید قطعات پلاستیکی" in text


def test_the_english_brief_has_english_words_and_digits(brief_records: SimpleNamespace) -> None:
    r = brief_records

    text = brief_text(province=r.province, on=r.on, language="en")

    assert text.startswith("According to the public relations office")
    assert "7 knowledge-based units are now active" in text
    assert "4 million dollars" in text
    assert "one million dollars a year to Arab countries and Russia" in text
    assert "50 percent of the country's need for detergents" in text
    assert not any("۰" <= char <= "۹" for char in text)


@pytest.mark.parametrize(
    ("amount", "currency", "said"),
    [
        (Decimal(4_000_000), Currency.USD, "4 million dollars"),
        (Decimal(1_000_000), Currency.USD, "one million dollars"),
        (Decimal(1_500_000), Currency.USD, "1.5 million dollars"),
        (Decimal(4_350_000), Currency.USD, "4.35 million dollars"),
        (Decimal(250_000), Currency.USD, "250,000 dollars"),
        (120 * 10**9, Currency.RIAL, "120 billion rials"),
        (12 * 10**12, Currency.RIAL, "12 trillion rials"),
        (Decimal(3 * 10**9), Currency.TOMAN, "3 billion tomans"),
    ],
)
def test_amounts_are_said_the_way_a_news_item_says_them(
    amount: Any, currency: str, said: str
) -> None:
    with translation.override("en"):
        assert money(amount, currency) == said


def test_the_brief_is_only_in_persian_or_english(province: Any) -> None:
    with pytest.raises(ValueError):
        brief_text(province=province, on=dt.date(2025, 12, 15), language="ar")


# --- The press office's page ---------------------------------------------------------------------


def login(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_the_page_shows_the_brief_of_the_chosen_day_to_edit(
    client: Any, brief_records: SimpleNamespace
) -> None:
    r = brief_records
    login(client, r.secretariat)

    response = client.get("/figures/press/", {"province": r.province.code, "on": "1404/09/24"})

    assert response.status_code == 200
    assert response.context["text_form"]["text"].value() == brief_text(province=r.province, on=r.on)
    assert "۴ " in response.content.decode()
    assert b'data-testid="press-save"' in response.content


def test_the_page_defaults_to_today(client: Any, brief_records: SimpleNamespace) -> None:
    r = brief_records
    login(client, r.executive)

    response = client.get("/figures/press/")

    assert response.context["on"] == r.on


@pytest.mark.parametrize("name", ["owner", "officer", "county_secretary", "expert"])
def test_other_roles_do_not_find_the_page(
    client: Any, request: pytest.FixtureRequest, province: Any, name: str
) -> None:
    login(client, request.getfixturevalue(name))

    assert client.get("/figures/press/").status_code == 404
    assert client.post("/figures/press/", {"text": "متن"}).status_code == 404
    assert PressBrief.objects.count() == 0


def test_saving_keeps_the_edited_and_the_generated_text(
    client: Any, brief_records: SimpleNamespace
) -> None:
    r = brief_records
    login(client, r.executive)
    generated = brief_text(province=r.province, on=r.on)
    edited = generated.replace("هم‌اکنون", "امروز") + "\n\nتیتر: رشد واحدهای دانش‌بنیان"

    response = client.post(
        "/figures/press/",
        {"province": r.province.code, "on": "۱۴۰۴/۰۹/۲۴", "language": "fa", "text": edited},
    )

    brief = PressBrief.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/figures/press/{brief.pk}/"
    assert (brief.province, brief.on, brief.created_by) == (r.province, r.on, r.executive)
    assert brief.text == edited
    assert brief.generated == generated

    page = client.get(response["Location"])
    content = page.content.decode()
    assert 'data-testid="brief-edited"' in content
    assert "تیتر: رشد واحدهای دانش‌بنیان" in content
    assert page.context["brief"].generated == generated


def test_the_saved_briefs_are_listed_on_the_page(
    client: Any, brief_records: SimpleNamespace
) -> None:
    r = brief_records
    login(client, r.secretariat)
    client.post(
        "/figures/press/",
        {"province": r.province.code, "on": "1404/09/24", "language": "fa", "text": "متن"},
    )

    response = client.get("/figures/press/")

    assert [b.pk for b in response.context["saved"]] == [PressBrief.objects.get().pk]
    assert f'href="/figures/press/{PressBrief.objects.get().pk}/"' in response.content.decode()


def test_an_empty_text_is_refused_with_an_error_and_nothing_is_saved(
    client: Any, brief_records: SimpleNamespace
) -> None:
    r = brief_records
    login(client, r.secretariat)

    response = client.post(
        "/figures/press/",
        {"province": r.province.code, "on": "1404/09/24", "language": "fa", "text": "  \r\n "},
    )

    assert response.status_code == 422
    assert fa("Write the text of the brief.") in response.content.decode()
    assert PressBrief.objects.count() == 0


def test_a_text_too_long_is_refused_and_kept_in_the_box(
    client: Any, brief_records: SimpleNamespace
) -> None:
    r = brief_records
    login(client, r.secretariat)
    text = "واحدهای تولیدی " * (PRESS_BRIEF_MAX_LENGTH // 10)

    response = client.post(
        "/figures/press/",
        {"province": r.province.code, "on": "1404/09/24", "language": "fa", "text": text},
    )

    assert response.status_code == 422
    assert response.context["text_form"]["text"].value() == text
    assert response.context["text_form"].errors["text"]
    assert PressBrief.objects.count() == 0


def test_a_day_after_today_is_refused(client: Any, brief_records: SimpleNamespace) -> None:
    r = brief_records
    login(client, r.secretariat)

    response = client.post(
        "/figures/press/",
        {"province": r.province.code, "on": "1404/09/25", "language": "fa", "text": "متن"},
    )

    assert response.status_code == 422
    assert response.context["choice"].errors["on"]
    assert PressBrief.objects.count() == 0


def test_an_administrator_neither_reads_nor_saves_a_brief(
    client: Any, brief_records: SimpleNamespace, admin_user: Any
) -> None:
    # The administrator runs users and reference data, not a province's figures (DOMAIN.md §2).
    r = brief_records
    login(client, admin_user)

    page = client.get("/figures/press/")
    response = client.post(
        "/figures/press/",
        {"province": r.province.code, "on": "1404/09/24", "language": "fa", "text": "متن"},
    )

    assert page.status_code == 404
    assert response.status_code == 404
    assert PressBrief.objects.count() == 0


def test_a_brief_of_another_province_is_not_found(
    client: Any, brief_records: SimpleNamespace
) -> None:
    from tashil.factories import ProvinceFactory

    r = brief_records
    other: Any = ProvinceFactory(code="19", name="لرستان")
    brief = PressBrief.objects.create(
        province=other,
        on=r.on,
        generated="متن",
        text="متن",
        created_by=r.secretariat,
        updated_by=r.secretariat,
    )
    login(client, r.executive)

    assert client.get(f"/figures/press/{brief.pk}/").status_code == 404


def test_the_english_brief_can_be_generated_on_the_page(
    client: Any, brief_records: SimpleNamespace
) -> None:
    r = brief_records
    login(client, r.secretariat)

    response = client.get("/figures/press/", {"on": "1404/09/24", "language": "en"})

    assert "4 million dollars" in response.context["generated"]
