"""The Django admin is no side door: the event tables and the records whose history matters
(cases, referrals, meetings, resolutions, companies, certificates) are read-only there, role
assignments go through the services, and a superuser's forged POST changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tashil.accounts.models import AccountEvent, RoleAssignment, User
from tashil.audit.events import event_models
from tashil.cases.models import Case, CaseEvent, Referral
from tashil.cases.workflow import CaseStatus
from tashil.meetings.models import Meeting, Resolution
from tashil.registry.models import Certificate, Company

pytestmark = pytest.mark.django_db

# Read-only in the admin: their writes belong to the services, which write the events.
READ_ONLY = {Case, Referral, Meeting, Resolution, Company, Certificate, *event_models()}
# Written in the admin, through code that writes the account's events (tested below).
ROUTED = {RoleAssignment, User}


@pytest.fixture
def root(db: Any) -> User:
    from tashil.factories import UserFactory

    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_no_registered_admin_writes_a_protected_model(root: User) -> None:
    request = RequestFactory().get("/admin/")
    request.user = root
    registered = dict(admin.site._registry)
    for model, model_admin in registered.items():
        if model not in READ_ONLY:
            continue
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request, None), model
        assert not model_admin.has_delete_permission(request, None), model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), inline
            assert not inline.has_change_permission(request, None), inline
            assert not inline.has_delete_permission(request, None), inline
    # A new model whose history matters must be listed above, or it escapes this test.
    assert Case in registered and Company in registered and RoleAssignment in registered


def test_a_superusers_post_cannot_change_or_delete_an_event_or_a_case(
    client: Any, root: User, case_in: Any
) -> None:
    case = case_in(CaseStatus.SCREENING)
    event = case.events.first()
    client.force_login(root)
    before = (list(Case.objects.values_list()), list(CaseEvent.objects.values_list()))

    for model, obj in ((CaseEvent, event), (Case, case)):
        info = model._meta.app_label, model._meta.model_name
        change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        delete = reverse("admin:{}_{}_delete".format(*info), args=[obj.pk])
        assert client.post(change, {"kind": "x", "title": "x"}).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        listing = reverse("admin:{}_{}_changelist".format(*info))
        response = client.post(
            listing, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
        )
        assert response.status_code in (200, 302, 403)

    assert (list(Case.objects.values_list()), list(CaseEvent.objects.values_list())) == before


def test_a_user_cannot_be_deleted_in_the_admin(client: Any, root: User, owner: User) -> None:
    client.force_login(root)

    response = client.post(reverse("admin:accounts_user_delete", args=[owner.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk=owner.pk).exists()


def test_editing_a_user_in_the_admin_writes_the_account_event(
    client: Any, root: User, owner: User
) -> None:
    client.force_login(root)
    url = reverse("admin:accounts_user_change", args=[owner.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    joined = timezone.localtime(owner.date_joined)
    day, time = f"{joined:%Y-%m-%d}", f"{joined:%H:%M:%S}"
    # The joining date is shown with a hidden copy of its initial value, compared on save.
    data.update(date_joined_0=day, date_joined_1=time)
    data.update({"initial-date_joined_0": day, "initial-date_joined_1": time})
    data.update(email="new@example.com", is_active="on", is_superuser="on")
    data.update(
        {
            "role_assignments-TOTAL_FORMS": "1",
            "role_assignments-INITIAL_FORMS": "1",
            "role_assignments-MIN_NUM_FORMS": "0",
            "role_assignments-MAX_NUM_FORMS": "1000",
            "role_assignments-0-id": str(owner.role_assignments.get().pk),
            "role_assignments-0-user": str(owner.pk),
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    owner.refresh_from_db()
    assert owner.email == "new@example.com"
    # The superuser flag follows the administrator role: the form cannot set it.
    assert not owner.is_superuser
    event = AccountEvent.objects.filter(user=owner).order_by("-pk").first()
    assert event is not None
    assert (event.kind, event.actor, event.data["fields"]) == ("profile_updated", root, ["email"])


def test_a_password_set_in_the_admin_writes_the_account_event(
    client: Any, root: User, owner: User
) -> None:
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[owner.pk])

    response = client.post(
        url,
        {"password1": "a long new pass phrase", "password2": "a long new pass phrase",
         "set_usable_password": "true"},
    )  # fmt: skip

    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("a long new pass phrase")
    event = AccountEvent.objects.filter(user=owner).order_by("-pk").first()
    assert event is not None
    assert (event.kind, event.actor) == ("password_changed", root)


def test_granting_and_revoking_a_role_in_the_admin_goes_through_the_services(
    client: Any, root: User, owner: User, province: Any
) -> None:
    client.force_login(root)

    response = client.post(
        reverse("admin:accounts_roleassignment_add"),
        {"user": owner.pk, "role": "secretariat", "province": province.pk},
    )
    assignment = RoleAssignment.objects.get(user=owner, role="secretariat")
    client.post(
        reverse("admin:accounts_roleassignment_delete", args=[assignment.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=owner, role="secretariat").exists()
    kinds = list(
        AccountEvent.objects.filter(user=owner, actor=root)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["role_granted", "role_revoked"]


def test_adding_a_user_in_the_admin_writes_the_account_event(client: Any, root: User) -> None:
    client.force_login(root)

    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "newcomer", "password1": "a long new pass phrase",
         "password2": "a long new pass phrase", "usable_password": "true",
         "role_assignments-TOTAL_FORMS": "0", "role_assignments-INITIAL_FORMS": "0"},
    )  # fmt: skip

    assert response.status_code == 302, response.context["errors"]
    user = User.objects.get(username="newcomer")
    event = AccountEvent.objects.get(user=user)
    assert (event.kind, event.actor, event.data["username"]) == ("created", root, "newcomer")


def test_the_admin_shows_no_amount_of_a_case_or_its_events(
    client: Any, root: User, case_in: Any
) -> None:
    # DOMAIN.md §2: the administrator may not see a company's financial details.
    case = case_in(CaseStatus.SCREENING)
    Case.objects.filter(pk=case.pk).update(
        amount=987654321, approved_amount=123456789, results_on=timezone.localdate()
    )
    event = CaseEvent.objects.create(
        case=case, actor=None, kind="results_recorded", data={"approved_amount": 123456789}
    )
    client.force_login(root)

    pages = [
        client.get(reverse("admin:cases_case_change", args=[case.pk])),
        client.get(reverse("admin:cases_caseevent_change", args=[event.pk])),
    ]

    for page in pages:
        assert page.status_code == 200
        body = page.content.decode()
        for figure in ("987654321", "987,654,321", "123456789", "123,456,789"):
            assert figure not in body
    assert "approved_amount" in pages[1].content.decode()  # the change is named, not its value
