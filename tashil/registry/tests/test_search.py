"""Company search on the stored search document (DOMAIN.md §8). Runs on SQLite (FTS5 trigram) and
PostgreSQL (pg_trgm): `DATABASE_URL=postgres://… pytest tashil/registry/tests/test_search.py`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tashil.factories import ActivityFactory, CompanyFactory, ProductFactory
from tashil.registry import services
from tashil.registry.models import Company
from tashil.registry.search import query_terms, search_companies
from tashil.registry.selectors import CompanyFilters, company_list

pytestmark = pytest.mark.django_db

ZWNJ = "\u200c"
SPELLINGS = {
    "zwnj": f"دانش{ZWNJ}بنیان",
    "joined": "دانشبنیان",
    "spaced": "دانش بنیان",
}


def found(query: str) -> set[str]:
    return set(search_companies(Company.objects.all(), query).values_list("legal_name", flat=True))


def company_with_product(county, legal_name: str, product: str) -> Company:
    company = CompanyFactory(county=county, legal_name=legal_name)
    services.product_add(actor=None, company=company, name=product)
    return company


@pytest.fixture
def knowledge_products(county):
    """Three companies, each with a product spelled one of the three ways, and one without."""
    for key, spelling in SPELLINGS.items():
        company_with_product(county, f"شرکت {key}", f"کاتالیست {spelling} پالایش")
    company_with_product(county, "شرکت دیگر", "کاتالیست پالایش")


@pytest.mark.parametrize("spelling", SPELLINGS.values(), ids=SPELLINGS.keys())
def test_every_spelling_of_knowledge_based_finds_every_other(knowledge_products, spelling):
    assert found(spelling) == {"شرکت zwnj", "شرکت joined", "شرکت spaced"}


def test_words_of_a_query_are_all_required(knowledge_products):
    assert found("کاتالیست پالایش") == {
        "شرکت zwnj",
        "شرکت joined",
        "شرکت spaced",
        "شرکت دیگر",
    }
    assert found("پالایش دانش‌بنیان") == {"شرکت zwnj", "شرکت joined", "شرکت spaced"}
    assert found("پالایش فولاد") == set()


def test_arabic_letters_in_the_query_find_persian_data(county):
    company_with_product(county, "شرکت کیمیا", "کیک یزدی")
    assert found("كيك") == {"شرکت کیمیا"}
    assert found("كيميا") == {"شرکت کیمیا"}


def test_persian_letters_in_the_query_find_data_typed_with_arabic_letters(county):
    company_with_product(county, "شركت پلاستيك البرز", "كيسه پلاستيكي")
    assert found("کیسه پلاستیکی") == {"شركت پلاستيك البرز"}
    assert found("پلاستیک البرز") == {"شركت پلاستيك البرز"}


@pytest.mark.parametrize(
    "query",
    ["10380284790", "۱۰۳۸۰۲۸۴۷۹۰", "١٠٣٨٠٢٨٤٧٩٠", "۱۰۳۸۰ ۲۸۴۷۹۰", "۰۲۸۴۷"],
    ids=["ascii", "persian", "arabic-indic", "persian-spaced", "part"],
)
def test_a_national_id_is_found_in_any_digits(county, query):
    CompanyFactory(county=county, legal_name="شرکت گلسار", national_id="10380284790")
    CompanyFactory(county=county, legal_name="شرکت دیگر")
    assert found(query) == {"شرکت گلسار"}


def test_a_short_word_narrows_the_results(county):
    CompanyFactory(county=county, legal_name="شرکت صنایع آب")
    CompanyFactory(county=county, legal_name="شرکت صنایع برق")
    assert found("صنایع") == {"شرکت صنایع آب", "شرکت صنایع برق"}
    assert found("صنایع آب") == {"شرکت صنایع آب"}
    assert found("آب") == {"شرکت صنایع آب"}
    assert found("صنایع z") == set()


def test_harakat_tatweel_and_invisible_marks_in_the_query_are_ignored(county):
    CompanyFactory(county=county, legal_name="شرکت تسهیل گستر")
    assert found("تَســهِیل\u200f") == {"شرکت تسهیل گستر"}


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "*",
        "(",
        ")",
        "-",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "^",
        ":",
        "'",
        "%",
        "_",
        "\\",
        '""',
        '"گلسار',
        "گلسار*",
        "(گلسار)",
        "-گلسار",
        "گلسار AND",
        "گلسار OR لیا",
        "NEAR(گلسار لیا)",
        "col:گلسار",
        "%گلسار%",
        "«گلسار»",
    ],
)
def test_search_syntax_in_a_query_is_taken_as_text_and_never_fails(county, query):
    CompanyFactory(county=county, legal_name="شرکت گلسار کاسپین")
    CompanyFactory(county=county, legal_name="شرکت سپید لیا")
    # Evaluating the queryset is what would raise (an FTS5 syntax error, a LIKE wildcard).
    list(search_companies(Company.objects.all(), query))


@pytest.mark.parametrize("query", ['"گلسار"', "«گلسار»", "(گلسار)", "گلسار*", "-گلسار"])
def test_quotes_and_operators_around_a_word_do_not_hide_the_company(county, query):
    CompanyFactory(county=county, legal_name="شرکت گلسار کاسپین")
    CompanyFactory(county=county, legal_name="شرکت سپید لیا")
    assert found(query) == {"شرکت گلسار کاسپین"}


def test_like_wildcards_in_a_query_match_only_themselves(county):
    CompanyFactory(county=county, legal_name="شرکت گلسار")
    assert found("گل%ر") == set()
    assert found("گ_ل") == set()


def test_a_query_of_only_marks_filters_nothing(county):
    CompanyFactory(county=county, legal_name="شرکت گلسار")
    assert query_terms('" - * (') == []
    assert found('" - * (') == {"شرکت گلسار"}


def test_the_activity_and_approved_products_are_searchable(county):
    company = CompanyFactory(county=county, legal_name="شرکت الف", activity=ActivityFactory())
    services.company_reindex(company=company)
    assert found("شوینده") == {"شرکت الف"}
    assert found("detergents") == {"شرکت الف"}
    services.certificate_add(
        actor=None,
        company=company,
        number="1",
        certificate_class="innovator",
        issued_on=dt.date(2024, 3, 20),
        expires_on=dt.date(2027, 3, 20),
        approved_products="ژل ضدعفونی نانو",
    )
    assert found("ضدعفونی نانو") == {"شرکت الف"}


def test_a_removed_product_no_longer_finds_the_company(county):
    company = CompanyFactory(county=county, legal_name="شرکت الف")
    product = services.product_add(actor=None, company=company, name="رنگ ترافیکی")
    assert found("ترافیکی") == {"شرکت الف"}

    services.product_remove(actor=None, product=product)

    assert found("ترافیکی") == set()


def test_a_renamed_company_is_found_by_its_new_name_only(county):
    company = CompanyFactory(county=county, legal_name="شرکت قدیم")
    services.company_update(actor=None, company=company, legal_name="شرکت نوین")
    assert found("نوین") == {"شرکت نوین"}
    assert found("قدیم") == set()


def test_a_deleted_company_leaves_the_index(county):
    company = CompanyFactory(county=county, legal_name="شرکت گذرا")
    company.delete()
    CompanyFactory(county=county, legal_name="شرکت ماندگار")
    assert found("شرکت") == {"شرکت ماندگار"}


def test_search_on_the_list_costs_the_same_queries_however_many_match(
    secretariat, county, django_assert_max_num_queries
):
    def count_queries() -> int:
        user = type(secretariat).objects.get(pk=secretariat.pk)
        with CaptureQueriesContext(connection) as captured:
            rows = company_list(user=user, filters=CompanyFilters(query="دانش‌بنیان"))
            for row in rows:
                (row.county.name, row.estate, row.activity, row.is_knowledge_based)  # noqa: B018
        return len(captured)

    ProductFactory(company=CompanyFactory(county=county), name="رزین دانشبنیان")
    few = count_queries()
    for _ in range(10):
        ProductFactory(company=CompanyFactory(county=county), name="رزین دانش بنیان")
    assert count_queries() == few <= 2
