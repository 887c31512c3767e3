from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tashil.accounts.access import has_role
from tashil.accounts.models import AccountEvent, RoleAssignment
from tashil.accounts.services import role_grant, role_revoke
from tashil.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_granting_a_role_records_who_granted_it(admin_user, tax_agency):
    user = UserFactory()
    assignment = role_grant(actor=admin_user, user=user, role="agency_officer", agency=tax_agency)

    assert assignment.province_id == tax_agency.province_id  # taken from the agency
    event = AccountEvent.objects.get(user=user, kind="role_granted")
    assert event.actor == admin_user
    assert event.data["role"] == "agency_officer"
    assert has_role(user, "agency_officer")


def test_granting_the_same_role_twice_changes_nothing(admin_user, province):
    user = UserFactory()
    first = role_grant(actor=admin_user, user=user, role="secretariat", province=province)
    second = role_grant(actor=admin_user, user=user, role="secretariat", province=province)

    assert first.pk == second.pk
    assert RoleAssignment.objects.filter(user=user).count() == 1
    assert AccountEvent.objects.filter(user=user, kind="role_granted").count() == 1


@pytest.mark.parametrize(
    ("role", "scope", "code"),
    [
        ("agency_officer", {}, "role_scope"),
        ("company_rep", {}, "role_scope"),
        ("secretariat", {}, "role_scope"),
        ("county_secretariat", {}, "role_scope"),
    ],
)
def test_a_role_without_its_scope_is_refused(province, role, scope, code):
    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        role_grant(actor=None, user=user, role=role, **scope)

    assert exc.value.code == code
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert not AccountEvent.objects.filter(user=user, kind="role_granted").exists()


def test_a_role_with_a_foreign_scope_is_refused(company, tax_agency):
    user = UserFactory()
    with pytest.raises(ValidationError) as exc:
        role_grant(actor=None, user=user, role="company_rep", company=company, agency=tax_agency)
    assert exc.value.code == "role_scope_extra"


def test_an_administrator_role_takes_no_province(province):
    with pytest.raises(ValidationError):
        role_grant(actor=None, user=UserFactory(), role="administrator", province=province)


def test_the_database_refuses_a_role_whose_scope_does_not_match(province, tax_agency):
    # The service is not the only guard: a row written around it still cannot be inconsistent.
    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=user, role="secretariat", province=province, agency=tax_agency
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=user, role="agency_officer", province=province)


def test_an_unknown_role_is_refused(province):
    with pytest.raises(ValueError):
        role_grant(actor=None, user=UserFactory(), role="governor", province=province)


def test_revoking_a_role_removes_it_and_records_the_event(admin_user, officer):
    assignment = officer.role_assignments.get()
    role_revoke(actor=admin_user, assignment=assignment)

    assert not officer.role_assignments.exists()
    assert not has_role(officer, "agency_officer")
    event = AccountEvent.objects.get(user=officer, kind="role_revoked")
    assert event.actor == admin_user


def test_an_administrator_can_use_the_django_admin_until_the_role_is_revoked(client):
    user = UserFactory(password="correct horse battery")
    assignment = role_grant(actor=None, user=user, role="administrator")
    client.force_login(user)
    assert client.get("/admin/accounts/user/").status_code == 200

    role_revoke(actor=None, assignment=assignment)

    user.refresh_from_db()
    assert not user.is_staff and not user.is_superuser
    assert client.get("/admin/accounts/user/").status_code == 302  # back to the admin login


def test_the_django_admin_grants_roles_through_the_service(client, admin_user, tax_agency):
    user = UserFactory()
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": user.pk, "role": "agency_officer", "agency": tax_agency.pk},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = RoleAssignment.objects.get(user=user)
    assert assignment.province_id == tax_agency.province_id
    assert AccountEvent.objects.get(user=user, kind="role_granted").actor == admin_user
