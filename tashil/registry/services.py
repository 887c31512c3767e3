from __future__ import annotations

from django.db import transaction

from tashil.accounts.models import User
from tashil.core.identifiers import normalize_national_id
from tashil.core.text import search_key
from tashil.geo.models import County, IndustrialEstate
from tashil.registry.models import Company, CompanyEvent


@transaction.atomic
def company_create(
    *,
    actor: User | None,
    national_id: str,
    legal_name: str,
    county: County,
    estate: IndustrialEstate | None = None,
) -> Company:
    company = Company(
        national_id=normalize_national_id(national_id),
        legal_name=legal_name.strip(),
        search_key=search_key(legal_name),
        province_id=county.province_id,
        county=county,
        estate=estate,
    )
    company.full_clean()
    company.save()
    CompanyEvent.objects.create(
        company=company,
        actor=actor,
        kind="created",
        changes={"legal_name": company.legal_name, "national_id": company.national_id},
    )
    return company
