"""Fixtures shared by every app's tests: the cast of users (STYLE.md) and browser settings."""

from __future__ import annotations

import os
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # argon2 is deliberately slow; tests create many users and need no real hashing strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _unhashed_static_files(settings: Any) -> None:
    # The manifest storage needs `collectstatic` first; tests serve files from the source tree.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _isolated_email(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def sms_outbox(settings: Any) -> Any:
    """Text messages sent during the test, as (number, text)."""
    from tashil.notifications.sms import MemorySmsBackend

    settings.TASHIL_SMS_BACKEND = "tashil.notifications.sms.MemorySmsBackend"
    MemorySmsBackend.outbox = []
    return MemorySmsBackend.outbox


@pytest.fixture(autouse=True)
def _immediate_huey() -> Any:
    # Tasks run in the test's own thread with in-memory storage: no worker, no var/huey.sqlite3.
    from huey.contrib.djhuey import HUEY

    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium: Playwright cannot download its own browser on this network."""
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("TASHIL_CHROMIUM", CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


# --- The cast (reused by every app's tests) ----------------------------------------------------
# Qazvin province with two counties; the tax agency (to which cases will be referred) and the
# customs agency (which has nothing to do with them); company A and company B; and one user per
# role: "secretariat", "officer" of tax, "other_officer" of customs, "owner" of company A,
# "other_owner" of company B, "executive", "county_secretary" of the first county, "admin".

PASSWORD = "correct horse battery"  # noqa: S105 - test users only


@pytest.fixture
def province(db: Any) -> Any:
    from tashil.factories import ProvinceFactory

    return ProvinceFactory()


@pytest.fixture
def county(province: Any) -> Any:
    from tashil.factories import CountyFactory

    return CountyFactory(province=province, code="2603", name="قزوین")


@pytest.fixture
def other_county(province: Any) -> Any:
    from tashil.factories import CountyFactory

    return CountyFactory(province=province, code="2602", name="تاکستان")


@pytest.fixture
def tax_agency(province: Any) -> Any:
    from tashil.factories import AgencyFactory

    return AgencyFactory(province=province, code="tax", name="اداره کل امور مالیاتی")


@pytest.fixture
def customs_agency(province: Any) -> Any:
    from tashil.factories import AgencyFactory

    return AgencyFactory(province=province, code="customs", name="گمرک قزوین")


@pytest.fixture
def company(county: Any) -> Any:
    from tashil.factories import CompanyFactory

    return CompanyFactory(county=county, legal_name="شرکت گلسار کاسپین")


@pytest.fixture
def other_company(other_county: Any) -> Any:
    from tashil.factories import CompanyFactory

    return CompanyFactory(county=other_county, legal_name="شرکت سپید لیا")


def _user_with_role(username: str, role: str, **scope: Any) -> Any:
    from tashil.accounts.services import role_grant
    from tashil.factories import UserFactory

    user = UserFactory(username=username, password=PASSWORD)
    role_grant(actor=None, user=user, role=role, **scope)
    return user


@pytest.fixture
def secretariat(province: Any) -> Any:
    return _user_with_role("secretariat", "secretariat", province=province)


@pytest.fixture
def executive(province: Any) -> Any:
    return _user_with_role("executive", "executive", province=province)


@pytest.fixture
def officer(tax_agency: Any) -> Any:
    return _user_with_role("officer", "agency_officer", agency=tax_agency)


@pytest.fixture
def other_officer(customs_agency: Any) -> Any:
    return _user_with_role("other_officer", "agency_officer", agency=customs_agency)


@pytest.fixture
def owner(company: Any) -> Any:
    return _user_with_role("owner", "company_rep", company=company)


@pytest.fixture
def other_owner(other_company: Any) -> Any:
    return _user_with_role("other_owner", "company_rep", company=other_company)


@pytest.fixture
def county_secretary(county: Any) -> Any:
    return _user_with_role("county_secretary", "county_secretariat", county=county)


@pytest.fixture
def admin_user(db: Any) -> Any:
    return _user_with_role("admin", "administrator")


@pytest.fixture
def expert(province: Any) -> Any:
    return _user_with_role("expert", "expert", province=province)


@pytest.fixture
def agency_head(tax_agency: Any) -> Any:
    return _user_with_role("head", "agency_head", agency=tax_agency)


@pytest.fixture
def category(db: Any) -> Any:
    from tashil.factories import CategoryFactory

    return CategoryFactory(code="tax", name="مالیات", name_en="Tax", response_days=5)
