"""factory_boy factories shared by every app's tests (Faker in fa_IR for names)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from faker import Faker

from tashil.accounts.models import User
from tashil.agencies.models import Agency
from tashil.cases.models import Category
from tashil.core.identifiers import national_id_check_digit
from tashil.core.text import search_key
from tashil.geo.models import County, IndustrialEstate, Province
from tashil.registry.models import (
    Activity,
    ActivitySection,
    Certificate,
    CertificateClass,
    Company,
    Product,
)

fake = Faker("fa_IR")


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    code = "26"
    name = "قزوین"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    province = factory.SubFactory(ProvinceFactory)
    # Within the province's own codes: the factory gets or creates by code, and a code of
    # another province would hand back that province's county.
    code = factory.LazyAttributeSequence(lambda o, n: f"{o.province.code}{n % 100:02d}")
    name = factory.LazyFunction(fake.city)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("province", "code")

    province = factory.SubFactory(ProvinceFactory)
    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.LazyAttribute(lambda o: f"اداره کل {o.code}")


def _national_id(n: int) -> str:
    first_ten = f"14{n:08d}"
    return first_ten + national_id_check_digit(first_ten)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company
        skip_postgeneration_save = True

    national_id = factory.Sequence(lambda n: _national_id(n + 1000))
    legal_name = factory.LazyFunction(lambda: f"شرکت {fake.company()}")
    search_key = factory.LazyAttribute(lambda o: search_key(o.legal_name))
    county = factory.SubFactory(CountyFactory)
    province = factory.LazyAttribute(lambda o: o.county.province)

    @factory.post_generation
    def reindex(self: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        # The search document is derived from the company's related rows; services keep it in
        # step, and factories go around the services.
        if create:
            from tashil.registry.services import company_reindex

            company_reindex(company=self)


class EstateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustrialEstate
        django_get_or_create = ("province", "name")

    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"شهرک صنعتی {n}")
    kind = "estate"


class ActivitySectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivitySection
        django_get_or_create = ("code",)

    code = "C"
    name = "صنعت (ساخت)"
    name_en = "Manufacturing"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity
        django_get_or_create = ("code",)

    code = "2023"
    section = factory.SubFactory(ActivitySectionFactory)
    name = "ساخت صابون و شوینده‌ها، مواد تمیزکننده و براق‌کننده، عطر و فرآورده‌های آرایشی"
    name_en = "Manufacture of soap and detergents"
    search_key = factory.LazyAttribute(lambda o: search_key(f"{o.code} {o.name} {o.name_en}"))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"محصول {n}")

    @factory.post_generation
    def reindex(self: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            from tashil.registry.services import company_reindex

            company_reindex(company=self.company)


class CertificateFactory(factory.django.DjangoModelFactory):
    """A new-class certificate valid from 1403/01/01 (2024-03-20) for three years."""

    class Meta:
        model = Certificate

    company = factory.SubFactory(CompanyFactory)
    number = factory.Sequence(lambda n: f"KB-{n:05d}")
    certificate_class = CertificateClass.INNOVATOR
    issued_on = dt.date(2024, 3, 20)
    expires_on = factory.LazyAttribute(lambda o: o.issued_on.replace(year=o.issued_on.year + 3))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyFunction(fake.first_name)
    last_name = factory.LazyFunction(fake.last_name)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")

    @factory.post_generation
    def password(self: Any, create: bool, extracted: str | None, **kwargs: Any) -> None:
        self.set_password(extracted or "correct horse battery")
        if create:
            self.save(update_fields=["password"])


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"دسته {n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    response_days = 10
