"""factory_boy factories shared by every app's tests (Faker in fa_IR for names)."""

from __future__ import annotations

from typing import Any

import factory
from faker import Faker

from tashil.accounts.models import User
from tashil.agencies.models import Agency
from tashil.core.identifiers import national_id_check_digit
from tashil.geo.models import County, Province
from tashil.registry.models import Company

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
    code = factory.Sequence(lambda n: f"26{n % 100:02d}")
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

    national_id = factory.Sequence(lambda n: _national_id(n + 1000))
    legal_name = factory.LazyFunction(lambda: f"شرکت {fake.company()}")
    search_key = factory.LazyAttribute(lambda o: o.legal_name)
    county = factory.SubFactory(CountyFactory)
    province = factory.LazyAttribute(lambda o: o.county.province)


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
