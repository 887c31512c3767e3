"""Bad input in the HTML forms: every text field of every form is bounded and refuses a NUL
character; markup and SQL typed into the main forms are stored as typed and shown escaped; invalid
Jalali dates are refused with a message and the page keeps what was typed; numbers are read in
any digit script; a NUL in a search box or filter answers a page, not a server error (PostgreSQL
refuses NUL in text). Nothing is written when a form is refused.

The forms are found by walking every module of the project, so a new form cannot escape the
field checks."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

import tashil
from tashil.cases.models import Case, Channel, Referral
from tashil.cases.services import ReferralRequest, case_file, case_refer, case_start_screening
from tashil.core.forms import (
    EconomicCodeField,
    JalaliDateField,
    NationalCodeField,
    NationalIdField,
)
from tashil.investments.models import Project, Sector, Visit
from tashil.registry.models import Company, Product

pytestmark = pytest.mark.django_db

# A refused form is shown again: 200, or 422 where the view says the post was unprocessable.
REFUSED = (200, 422)
SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
SQL = "'; DROP TABLE registry_company; --"
HOSTILE = f"{SCRIPT} {ATTRIBUTE} {SQL}"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"


@pytest.fixture(autouse=True)
def _english(client: Any, settings: Any) -> Iterator[None]:
    # Messages are asserted in English: the Persian catalogue is compiled after this change.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


# --- Every field of every form ------------------------------------------------------------------

# Modules that are not part of the running application.
SKIPPED_PARTS = {"tests", "migrations", "conftest"}


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(tashil.__path__, "tashil."):
        if SKIPPED_PARTS.isdisjoint(module.name.split(".")):
            importlib.import_module(module.name)

    def walk(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    found = {cls for cls in walk(forms.BaseForm) if cls.__module__.startswith("tashil.")}
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


PROJECT_FORMS = _project_forms()
# Identifiers are normalised to a fixed number of digits, which bounds them; passwords are
# Django's own fields, hashed, never stored or shown.
BOUNDED_BY_FORMAT = (NationalIdField, NationalCodeField, EconomicCodeField)
# Fields whose service bounds the text, with the test that proves it.
BOUNDED_BY_SERVICE = {
    # figures.services.PRESS_BRIEF_MAX_LENGTH (figures/tests/test_services.py)
    "PressTextForm.text",
}


def _text_fields() -> list[Any]:
    params = []
    for form in PROJECT_FORMS:
        for name, field in form.base_fields.items():
            if isinstance(field, forms.CharField) and not isinstance(
                field.widget, forms.PasswordInput
            ):
                label = f"{form.__qualname__}.{name}"
                if label not in BOUNDED_BY_SERVICE:
                    params.append(pytest.param(field, id=label))
    return params


def _all_fields() -> list[Any]:
    return [
        pytest.param(field, id=f"{form.__qualname__}.{name}")
        for form in PROJECT_FORMS
        for name, field in form.base_fields.items()
        if not isinstance(field, forms.FileField)
    ]


def test_the_walk_finds_the_forms_of_every_app() -> None:
    names = {cls.__qualname__ for cls in PROJECT_FORMS}
    assert {"CaseForm", "CompanyForm", "ProjectForm", "VisitForm", "ProfileForm"} <= names
    assert {"MeetingEditForm", "DraftForm", "AnswerForm", "ImportForm"} <= names


@pytest.mark.parametrize("field", _text_fields())
def test_every_text_field_has_a_length_limit(field: forms.CharField) -> None:
    if isinstance(field, BOUNDED_BY_FORMAT):
        with pytest.raises(ValidationError):
            field.clean("1" * 1000)
        return
    assert field.max_length is not None
    with pytest.raises(ValidationError) as raised:
        field.clean("x" * (field.max_length + 1))
    assert {e.code for e in raised.value.error_list} & {"max_length", "invalid"}


@pytest.mark.parametrize("field", _all_fields())
def test_every_field_refuses_a_nul_character_with_a_validation_error(field: forms.Field) -> None:
    # Any other exception would be a server error; a NUL that got through would be one on
    # PostgreSQL when written.
    try:
        cleaned = field.clean("ab\x00c")
    except ValidationError as error:
        assert error.messages
    else:
        assert "\x00" not in str(cleaned)


# --- Markup and SQL are text: stored as typed, shown escaped ------------------------------------


def assert_escaped(page: str) -> None:
    assert SCRIPT not in page
    assert "<img src=x" not in page
    assert ESCAPED_SCRIPT in page


def test_a_case_filed_with_markup_is_stored_as_typed_and_shown_escaped(
    client: Any, owner: Any, company: Any, category: Any
) -> None:
    client.force_login(owner)
    response = client.post(
        reverse("cases:create"),
        {
            "company": company.national_id,
            "channel": Channel.PORTAL,
            "category": category.pk,
            "title": SCRIPT,
            "description": HOSTILE,
            "requested_outcome": ATTRIBUTE,
        },
    )

    assert response.status_code == 302
    case = Case.objects.get()
    assert (case.title, case.description, case.requested_outcome) == (SCRIPT, HOSTILE, ATTRIBUTE)
    assert_escaped(client.get(reverse("cases:detail", args=[case.tracking])).content.decode())
    assert_escaped(client.get(reverse("cases:list")).content.decode())
    assert Company.objects.filter(pk=company.pk).exists()  # the "DROP TABLE" stayed text


@pytest.fixture
def referred(owner: Any, company: Any, category: Any, secretariat: Any, tax_agency: Any) -> Any:
    case = case_file(
        actor=owner,
        company=company,
        category=category,
        title="تأخیر در استرداد",
        description="شرح",
        channel=Channel.PORTAL,
    )
    case_start_screening(actor=secretariat, case=case)
    [referral] = case_refer(
        actor=secretariat,
        case=case,
        requests=[ReferralRequest(agency=tax_agency, request_text="بررسی کنید")],
    )
    return referral


def test_an_agency_answer_with_markup_is_stored_as_typed_and_shown_escaped(
    client: Any, officer: Any, owner: Any, referred: Referral
) -> None:
    client.force_login(officer)
    response = client.post(
        reverse("cases:referral_answer", args=[referred.pk]),
        {f"answer-{referred.pk}-answer": HOSTILE},
    )

    assert response.status_code == 302
    referred.refresh_from_db()
    assert referred.answer == HOSTILE
    case_page = reverse("cases:detail", args=[referred.case.tracking])
    assert_escaped(client.get(case_page).content.decode())
    client.force_login(owner)
    assert_escaped(client.get(case_page).content.decode())


def test_a_company_edited_with_markup_is_stored_as_typed_and_shown_escaped(
    client: Any, secretariat: Any, company: Any
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("registry:company_edit", args=[company.national_id]),
        {"legal_name": SCRIPT, "county": company.county_id, "address": HOSTILE},
    )

    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.legal_name, company.address) == (SCRIPT, HOSTILE)
    assert_escaped(
        client.get(reverse("registry:company_detail", args=[company.national_id])).content.decode()
    )
    assert_escaped(client.get(reverse("registry:company_list")).content.decode())
    assert_escaped(
        client.get(reverse("registry:company_history", args=[company.national_id])).content.decode()
    )


def test_a_product_with_markup_is_stored_as_typed_and_shown_escaped(
    client: Any, secretariat: Any, company: Any
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("registry:product_add", args=[company.national_id]), {"name": SCRIPT}
    )

    assert response.status_code in (200, 302)
    assert Product.objects.get(company=company).name == SCRIPT
    assert_escaped(
        client.get(reverse("registry:company_detail", args=[company.national_id])).content.decode()
    )


@pytest.fixture
def sector(db: Any) -> Sector:
    return Sector.objects.create(code="cosmetics", name="آرایشی و بهداشتی", name_en="Cosmetics")


def project_data(company: Company, sector: Sector, **overrides: Any) -> dict[str, Any]:
    return {
        "company": company.national_id,
        "title": "خط تولید شامپو",
        "sector": sector.pk,
        "amount": "۴٬۰۰۰٬۰۰۰٬۰۰۰",
        "currency": "IRR",
        "jobs_planned": "۱۰۰",
        "status": "under_construction",
        "progress": "40",
        "source": "سخنگوی دولت",
        "on": "1404/09/20",
        **overrides,
    }


def test_a_project_with_markup_is_stored_as_typed_and_shown_escaped(
    client: Any, secretariat: Any, company: Any, sector: Sector
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("investments:project_create"),
        project_data(company, sector, title=SCRIPT, description=HOSTILE, source=ATTRIBUTE),
    )

    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get()
    assert (project.title, project.description) == (SCRIPT, HOSTILE)
    page = client.get(reverse("investments:project_detail", args=[project.pk])).content.decode()
    assert_escaped(page)
    assert_escaped(client.get(reverse("investments:project_list")).content.decode())


def test_a_visit_with_markup_is_stored_as_typed_and_shown_escaped(
    client: Any, secretariat: Any
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("investments:visit_create"),
        {
            "title": SCRIPT,
            "visitor_name": ATTRIBUTE,
            "visitor_title": SQL,
            "starts_on": "1404/09/24",
            "summary": HOSTILE,
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    visit = Visit.objects.get()
    assert (visit.title, visit.visitor_name, visit.summary) == (SCRIPT, ATTRIBUTE, HOSTILE)
    assert_escaped(
        client.get(reverse("investments:visit_detail", args=[visit.pk])).content.decode()
    )


def test_a_profile_with_markup_is_stored_as_typed_and_shown_escaped(
    client: Any, secretariat: Any
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("accounts:profile"), {"first_name": SCRIPT, "last_name": ATTRIBUTE}
    )

    assert response.status_code == 302
    secretariat.refresh_from_db()
    assert (secretariat.first_name, secretariat.last_name) == (SCRIPT, ATTRIBUTE)
    assert_escaped(client.get(reverse("accounts:profile")).content.decode())


# --- Overlong text and NUL characters: a message, nothing written ------------------------------


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("description", "x" * 1_000_000, "at most 20000 characters"),
        ("title", "x" * 201, "at most 200 characters"),
        ("title", "عنوان\x00", "Null characters are not allowed."),
        ("description", "شرح\x00", "Null characters are not allowed."),
    ],
    ids=["megabyte-description", "long-title", "nul-title", "nul-description"],
)
def test_overlong_or_nul_text_in_the_intake_is_refused_and_nothing_is_filed(
    client: Any, owner: Any, company: Any, category: Any, field: str, value: str, message: str
) -> None:
    client.force_login(owner)
    data = {
        "company": company.national_id,
        "channel": Channel.PORTAL,
        "category": category.pk,
        "title": "عنوان",
        "description": "شرح",
        field: value,
    }
    response = client.post(reverse("cases:create"), data)

    assert response.status_code in REFUSED
    assert message in " ".join(response.context["form"].errors[field])
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"address": "x" * 1001}, "address", "at most 1000 characters"),
        ({"legal_name": "x" * 256}, "legal_name", "at most 255 characters"),
        ({"legal_name": "شرکت\x00"}, "legal_name", "Null characters are not allowed."),
        ({"postal_code": "۱۲۳۴۵۶۷۸۹۰۱۲"}, "postal_code", "A postal code has 10 digits."),
        ({"employees": "چهل"}, "employees", "Enter a whole number."),
        ({"county": "\x00"}, "county", "Null characters are not allowed."),
    ],
    ids=["long-address", "long-name", "nul-name", "long-postal-code", "letters", "nul-choice"],
)
def test_bad_company_edits_are_refused_and_the_company_is_unchanged(
    client: Any, secretariat: Any, company: Any, data: dict[str, str], field: str, message: str
) -> None:
    client.force_login(secretariat)
    before = Company.objects.values().get(pk=company.pk)

    response = client.post(
        reverse("registry:company_edit", args=[company.national_id]),
        {"legal_name": company.legal_name, "county": company.county_id, **data},
    )

    assert response.status_code in REFUSED
    assert message in " ".join(response.context["form"].errors[field])
    assert Company.objects.values().get(pk=company.pk) == before


def test_a_contact_email_longer_than_its_column_is_refused(
    client: Any, secretariat: Any, company: Any
) -> None:
    client.force_login(secretariat)
    email = "a" * 60 + "@" + ".".join(["b" * 60] * 4) + ".ir"  # valid, 308 characters

    response = client.post(
        reverse("registry:contact_add", args=[company.national_id]),
        {"name": "مدیر عامل", "email": email},
    )

    assert response.status_code in (200, 422)
    assert not company.contacts.exists()


def test_a_product_hs_code_too_long_for_its_column_is_refused(
    client: Any, secretariat: Any, company: Any
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("registry:product_add", args=[company.national_id]),
        {"name": "شامپو", "hs_code": "۱۲۳۴۵۶۷۸۹۰۱۲"},
    )

    assert response.status_code in (200, 422)
    assert "An HS code has 4 to 10 digits." in response.content.decode()
    assert not Product.objects.exists()


def test_a_share_source_address_longer_than_its_column_is_refused() -> None:
    from tashil.investments.forms import ShareForm

    field = ShareForm.base_fields["source_url"]
    with pytest.raises(ValidationError):
        field.clean("https://example.ir/" + "a" * 200)


# --- A NUL in a search box or filter: a page, never a server error -----------------------------

LIST_PAGES = [
    "cases:list",
    "cases:inbox",
    "cases:secretariat",
    "registry:company_list",
    "registry:knowledge_based",
    "investments:project_list",
    "investments:export_list",
    "investments:visit_list",
    "meetings:list",
    "meetings:register",
    "meetings:agencies",
    "figures:dashboard",
]
BAD_QUERIES = ["\x00", "a\x00b", "x" * 5000, SCRIPT, SQL, "1403/13/01", "۱۲۳"]


def _filter_names() -> set[str]:
    names = {"q", "page", "sort", "order"}
    for form in PROJECT_FORMS:
        if form.__name__.endswith("FilterForm"):
            names.update(form.base_fields)
    return names


@pytest.mark.parametrize("url_name", LIST_PAGES)
def test_bad_values_in_every_filter_of_the_list_pages_answer_a_page(
    client: Any, secretariat: Any, url_name: str
) -> None:
    client.force_login(secretariat)
    try:
        url = reverse(url_name)
    except Exception:  # noqa: BLE001 - a page renamed: the list above must follow
        pytest.fail(f"{url_name} is no longer a URL name")
    for value in BAD_QUERIES:
        query = dict.fromkeys(_filter_names(), value)
        response = client.get(url, query)
        assert response.status_code in (200, 400, 403), (url_name, value, response.status_code)
        if response.status_code == 200:
            assert SCRIPT not in response.content.decode()


def test_a_nul_in_the_tracking_box_answers_a_page(client: Any, owner: Any) -> None:
    client.force_login(owner)
    response = client.get(reverse("cases:track"), {"number": "CA\x00123"})
    assert response.status_code in (200, 400)


# --- Jalali dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1403/13/01", "The month must be between 1 and 12."),
        ("1402/12/30", "1402/12 has no day 30."),  # 1402 is not a leap year
        ("1404/12/30", "1404/12 has no day 30."),
        ("1402/07/31", "1402/07 has no day 31."),  # the second half has 30-day months
        ("1403/00/10", "The month must be between 1 and 12."),
        ("1403/01/00", "1403/01 has no day 0."),
        ("فروردین", "Enter a Jalali date as year/month/day"),
        ("abc", "Enter a Jalali date as year/month/day"),
        ("2024-01-01", "Enter a year between 1300 and 1500."),
        ("14030101", "Enter a Jalali date as year/month/day"),
        ("1403/1/1/1", "Enter a Jalali date as year/month/day"),
        ("\x00", "Enter a Jalali date as year/month/day"),
    ],
)
def test_an_invalid_jalali_date_is_refused_with_a_message(text: str, message: str) -> None:
    field = JalaliDateField()
    with pytest.raises(ValidationError) as raised:
        field.clean(text)
    assert message in " ".join(raised.value.messages)


def test_an_empty_required_date_asks_for_it() -> None:
    with pytest.raises(ValidationError) as raised:
        JalaliDateField().clean("")
    assert raised.value.code == "required"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("1403/12/30", dt.date(2025, 3, 20)),  # 1403 is a leap year
        ("۱۴۰۴/۰۹/۲۴", dt.date(2025, 12, 15)),
        ("١٤٠٤-٠٩-٢٤", dt.date(2025, 12, 15)),
        (" 1404.9.24 ", dt.date(2025, 12, 15)),
    ],
)
def test_a_valid_jalali_date_is_read_in_any_digit_script(text: str, day: dt.date) -> None:
    assert JalaliDateField().clean(text) == day


@pytest.mark.parametrize("text", ["1403/13/01", "1402/12/30", "2024-01-01", "فردا"])
def test_a_form_with_an_invalid_date_keeps_everything_the_user_typed(
    client: Any, secretariat: Any, text: str
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("investments:visit_create"),
        {
            "title": "سفر وزیر",
            "visitor_name": "محمد اتابک",
            "visitor_title": "وزیر صمت",
            "starts_on": text,
            "summary": "خلاصه‌ای که نباید گم شود",
        },
    )

    assert response.status_code in REFUSED
    assert response.context["form"].errors["starts_on"]
    page = response.content.decode()
    assert f'value="{text}"' in page
    assert "خلاصه‌ای که نباید گم شود" in page
    assert "سفر وزیر" in page
    assert not Visit.objects.exists()


# --- Numbers in any digit script -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "jobs", "rials"),
    [
        ("۱۲۳", 123, 4_000_000_000),
        ("١٢٣", 123, 4_000_000_000),
        ("1۲٣", 123, 4_000_000_000),
        ("۱٬۲۳۴", 1234, 4_000_000_000),
        ("1,234", 1234, 4_000_000_000),
    ],
    ids=["persian", "arabic-indic", "mixed", "persian-separator", "comma"],
)
def test_numbers_are_read_in_any_digit_script_and_stored_normalised(
    client: Any, secretariat: Any, company: Any, sector: Sector, typed: str, jobs: int, rials: int
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("investments:project_create"),
        project_data(company, sector, jobs_planned=typed, amount="۴٬۰۰۰٬۰۰۰٬۰۰۰"),
    )

    assert response.status_code == 302, response.context["form"].errors
    project = Project.objects.get()
    assert project.jobs_planned == jobs
    assert project.amount_rial == rials


def test_a_decimal_amount_with_the_persian_decimal_separator_is_read(
    client: Any, secretariat: Any, company: Any, sector: Sector
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("investments:project_create"),
        project_data(
            company, sector, amount="۱۲٫۵", currency="USD", rate="۱٬۰۰۰٬۰۰۰", rate_on="1404/09/19"
        ),
    )

    assert response.status_code == 302, response.context["form"].errors
    assert Project.objects.get().amount_rial == 12_500_000


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("jobs_planned", "صد"),
        ("jobs_planned", "12a"),
        ("jobs_planned", "۱۲٫۵"),
        ("jobs_planned", "-5"),
        ("amount", "چهار میلیارد"),
        ("amount", "1e9"),
        ("amount", "NaN"),
        ("amount", "Infinity"),
    ],
)
def test_letters_in_a_number_field_are_refused_and_nothing_is_recorded(
    client: Any, secretariat: Any, company: Any, sector: Sector, field: str, typed: str
) -> None:
    client.force_login(secretariat)
    response = client.post(
        reverse("investments:project_create"), project_data(company, sector, **{field: typed})
    )

    assert response.status_code in REFUSED
    assert response.context["form"].errors[field]
    assert f'value="{typed}"' in response.content.decode()
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("۱۲٬۵۰۰٬۰۰۰", 12_500_000), ("١٢،٥٠٠،٠٠٠", 12_500_000), ("12 500 000", 12_500_000)],
)
def test_a_case_amount_is_read_in_any_digit_script(
    client: Any, owner: Any, company: Any, category: Any, typed: str, amount: int
) -> None:
    client.force_login(owner)
    response = client.post(
        reverse("cases:create"),
        {
            "company": company.national_id,
            "channel": Channel.PORTAL,
            "category": category.pk,
            "title": "عنوان",
            "description": "شرح",
            "amount": typed,
        },
    )

    assert response.status_code == 302
    assert Case.objects.get().amount == amount
