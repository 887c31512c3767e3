from __future__ import annotations

from tashil.accounts.access import has_role, is_administrator, is_read_only, visible_q
from tashil.registry.models import Company


def visible_companies(user):
    q = visible_q(user, province="province", county="county", company="pk")
    return set(Company.objects.filter(q).values_list("legal_name", flat=True))


def test_the_secretariat_sees_every_company_of_its_province(secretariat, company, other_company):
    assert visible_companies(secretariat) == {company.legal_name, other_company.legal_name}


def test_a_company_representative_sees_only_their_own_company(owner, company, other_company):
    assert visible_companies(owner) == {company.legal_name}


def test_a_county_secretariat_sees_only_its_county(county_secretary, company, other_company):
    assert visible_companies(county_secretary) == {company.legal_name}


def test_an_agency_officer_sees_nothing_without_an_agency_path(officer, company):
    # Companies reach agencies only through cases referred to them (the cases app adds the path).
    assert visible_companies(officer) == set()


def test_an_anonymous_user_sees_nothing(company):
    from django.contrib.auth.models import AnonymousUser

    assert visible_companies(AnonymousUser()) == set()


def test_an_inactive_user_loses_every_scope(secretariat, company):
    secretariat.is_active = False
    assert visible_companies(secretariat) == set()


def test_roles_are_read_once_per_user_object(secretariat, django_assert_num_queries):
    secretariat.refresh_from_db()
    with django_assert_num_queries(1):
        assert has_role(secretariat, "secretariat")
        assert not has_role(secretariat, "executive")
        assert not is_read_only(secretariat)


def test_the_executive_is_read_only_and_the_administrator_is_not_scoped(executive, admin_user):
    assert is_read_only(executive)
    assert is_administrator(admin_user)
    assert not is_administrator(executive)
