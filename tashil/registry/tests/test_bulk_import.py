"""The registry import's bulk path: new companies are written many at a time
(`services.companies_create`, `core.bulk`), and the rows it writes are the rows the one-by-one
services would have written; a row the database refuses sends its batch back through the
one-by-one path, which names the row."""

from __future__ import annotations

from typing import Any

import pytest

from tashil.accounts.models import User
from tashil.core import spreadsheets
from tashil.factories import CompanyFactory
from tashil.registry.imports import CompanyImporter
from tashil.registry.models import Company, CompanyEvent, Product, StatusChange
from tashil.registry.services import (
    NewCompany,
    companies_create,
    company_create,
    company_search_document,
    products_replace,
)
from tashil.registry.tests import test_imports
from tashil.registry.tests.test_imports import company_row, nid, run

# Qazvin's counties, its estate and an ISIC class: the import tests' fixture.
reference = test_imports.reference

pytestmark = pytest.mark.django_db


def _written(company: Company) -> dict[str, Any]:
    """Everything a new company leaves behind, without keys and times."""
    company.refresh_from_db()
    return {
        "fields": {
            field: getattr(company, field)
            for field in (
                "legal_name",
                "search_key",
                "search_document",
                "county_id",
                "province_id",
                "status",
                "status_since",
                "employees",
                "economic_code",
            )
        },
        "statuses": list(company.status_changes.values_list("status", "since", "actor_id")),
        "products": list(company.products.order_by("name").values_list("name", "hs_code")),
        "events": sorted(
            (event.kind, sorted(event.changes.items()), event.actor_id)
            for event in company.events.all()
        ),
    }


def test_bulk_creation_writes_what_creating_one_by_one_writes(county: Any) -> None:
    actor = User.objects.create_user("importer")
    one = company_create(
        actor=actor, national_id=nid(1), legal_name="شرکت دانش‌بنیان نمونه", county=county
    )
    products_replace(actor=actor, company=one, names=["صابون", "مایع ظرفشویی"])

    [many] = companies_create(
        actor=actor,
        companies=[
            NewCompany(
                national_id=nid(2),
                legal_name="شرکت دانش‌بنیان نمونه",
                county=county,
                products=["صابون", "مایع ظرفشویی", "صابون"],
            )
        ],
    )

    expected, found = _written(one), _written(many)
    # The national ID is the one difference, and it reaches the document and the event.
    assert found["fields"]["search_document"] == company_search_document(many)
    for part in (expected, found):
        part["fields"].pop("search_document")
        part["events"] = [e for e in part["events"] if e[0] != "created"]
    assert found == expected
    assert many.events.filter(kind="created").get().changes["national_id"] == nid(2)


def test_bulk_creation_gives_every_company_its_rows(county: Any) -> None:
    created = companies_create(
        actor=None,
        companies=[
            NewCompany(national_id=nid(n), legal_name=f"شرکت {n}", county=county, products=["کرم"])
            for n in range(1, 6)
        ],
    )

    assert [company.pk for company in created] == list(
        Company.objects.order_by("pk").values_list("pk", flat=True)
    )
    for company in created:
        assert StatusChange.objects.filter(company=company).count() == 1
        assert Product.objects.filter(company=company, name="کرم").count() == 1
        assert CompanyEvent.objects.filter(company=company).count() == 2


def test_a_field_the_services_refuse_is_refused_in_bulk_too(county: Any) -> None:
    with pytest.raises(spreadsheets.ValidationError):
        companies_create(
            actor=None,
            companies=[NewCompany(national_id="12345678901", legal_name="شرکت", county=county)],
        )

    assert not Company.objects.exists()


def test_an_import_writes_new_companies_in_batches(
    reference: Any,
    province: Any,
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(spreadsheets, "APPLY_BATCH", 2)
    calls: list[int] = []
    original = CompanyImporter.apply_batch

    def counted(self: Any, rows: Any) -> Any:
        calls.append(len(rows))
        return original(self, rows)

    monkeypatch.setattr(CompanyImporter, "apply_batch", counted)

    report = run(province, [company_row(n) for n in range(1, 6)])

    assert report.ok and report.created == 5
    assert calls == [2, 2, 1]
    assert Company.objects.count() == 5
    assert Product.objects.count() == 10


def test_a_row_the_database_refuses_sends_its_batch_one_by_one_and_names_it(
    reference: Any,
    province: Any,
    monkeypatch: Any,
) -> None:
    # Another user registers row 3's company between the check of the file and its writing.
    original = CompanyImporter.check

    def check_then_race(self: Any, rows: Any, error: Any) -> None:
        original(self, rows, error)
        CompanyFactory(national_id=nid(3), county=reference)

    monkeypatch.setattr(CompanyImporter, "check", check_then_race)

    report = run(province, [company_row(n) for n in range(1, 5)])

    assert [error.row for error in report.errors] == [4]  # the header is row 1
    assert Company.objects.count() == 1  # the other user's; nothing of the file
