from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tashil.accounts.models import AccountEvent
from tashil.api.models import ApiToken
from tashil.api.services import key_hash, token_create, token_revoke

COMPANIES = reverse("api-v1:company_list")


def test_a_valid_token_authenticates_and_records_its_use(client, secretariat, company, key_for):
    key = key_for(secretariat)

    response = client.get(COMPANIES, headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 200
    assert [c["national_id"] for c in response.json()["items"]] == [company.national_id]
    token = ApiToken.objects.get(key_hash=key_hash(key))
    assert token.last_used_at is not None


def test_last_used_is_written_at_most_once_a_minute(client, secretariat, key_for):
    key = key_for(secretariat)
    token = ApiToken.objects.get(key_hash=key_hash(key))
    recently = timezone.now() - dt.timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recently)

    client.get(COMPANIES, headers={"Authorization": f"Bearer {key}"})
    token.refresh_from_db()
    assert token.last_used_at == recently

    long_ago = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=long_ago)
    client.get(COMPANIES, headers={"Authorization": f"Bearer {key}"})
    token.refresh_from_db()
    assert token.last_used_at > long_ago


def test_a_revoked_token_is_refused_with_401(client, secretariat, key_for):
    key = key_for(secretariat)
    token = ApiToken.objects.get(key_hash=key_hash(key))
    token_revoke(actor=secretariat, token=token)

    response = client.get(COMPANIES, headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"
    assert response.json()["errors"] == {}


@pytest.mark.parametrize("garbage", ["nonsense", "tsh_not-a-real-key", "", "tsh_" + "x" * 500])
def test_a_garbage_token_is_refused_with_401(client, secretariat, garbage):
    response = client.get(COMPANIES, headers={"Authorization": f"Bearer {garbage}"})

    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_a_token_of_a_deactivated_user_is_refused(client, secretariat, key_for):
    key = key_for(secretariat)
    secretariat.is_active = False
    secretariat.save(update_fields=["is_active"])

    response = client.get(COMPANIES, headers={"Authorization": f"Bearer {key}"})

    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"


def test_an_anonymous_request_gets_401_with_the_error_body(client, db):
    response = client.get(COMPANIES)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["code"] == "not_authenticated"
    assert body["message"]
    assert body["errors"] == {}


def test_an_anonymous_write_gets_401_not_a_csrf_error(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(COMPANIES, {}, content_type="application/json")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_bad_token_is_refused_even_when_a_session_comes_with_it(client, secretariat):
    client.force_login(secretariat)

    response = client.get(COMPANIES, headers={"Authorization": "Bearer tsh_wrong"})

    assert response.status_code == 401


def test_the_browser_session_authenticates_reads(client, owner, company):
    client.force_login(owner)

    response = client.get(COMPANIES)

    assert response.status_code == 200
    assert [c["national_id"] for c in response.json()["items"]] == [company.national_id]


def test_a_session_write_needs_the_csrf_token(secretariat, company):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretariat)
    url = reverse("api-v1:company_update", args=[company.national_id])

    refused = client.patch(url, {"employees": 12}, content_type="application/json")

    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    company.refresh_from_db()
    assert company.employees is None

    client.get(reverse("api:tokens"))  # a page sets the CSRF cookie, as in a browser
    accepted = client.patch(
        url,
        {"employees": 12},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )

    assert accepted.status_code == 200
    company.refresh_from_db()
    assert company.employees == 12


def test_a_token_write_needs_no_csrf_token(secretariat, company, bearer):
    client = Client(enforce_csrf_checks=True)
    url = reverse("api-v1:company_update", args=[company.national_id])

    response = client.patch(
        url, {"employees": 7}, content_type="application/json", headers=bearer(secretariat)
    )

    assert response.status_code == 200
    company.refresh_from_db()
    assert company.employees == 7


def test_creating_a_token_stores_only_the_hash_and_logs_an_event(secretariat):
    token, key = token_create(actor=secretariat, user=secretariat, name=" sync job ")

    assert key.startswith("tsh_") and len(key) > 40
    assert token.prefix == key[:8]
    assert token.name == "sync job"
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == key_hash(key)
    assert key not in {stored.key_hash, stored.prefix, stored.name}
    event = AccountEvent.objects.get(user=secretariat, kind="api_token_created")
    assert event.actor == secretariat
    assert event.data == {"token": token.pk, "prefix": token.prefix, "name": "sync job"}


def test_revoking_a_token_logs_an_event_once(secretariat):
    token, _key = token_create(actor=secretariat, user=secretariat, name="job")

    token_revoke(actor=secretariat, token=token)
    token_revoke(actor=secretariat, token=token)

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AccountEvent.objects.filter(user=secretariat, kind="api_token_revoked").count() == 1


def test_a_user_cannot_revoke_or_create_another_users_token(secretariat, owner):
    token, _key = token_create(actor=owner, user=owner, name="mine")

    with pytest.raises(PermissionDenied):
        token_revoke(actor=secretariat, token=token)
    with pytest.raises(PermissionDenied):
        token_create(actor=secretariat, user=owner, name="theirs")

    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_administrator_may_revoke_anyones_token(admin_user, owner):
    token, _key = token_create(actor=owner, user=owner, name="mine")

    token_revoke(actor=admin_user, token=token)

    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_management_command_prints_a_working_key(client, secretariat, capsys):
    call_command("api_token_create", "secretariat", "--name", "nightly export")

    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(key_hash=key_hash(key))
    assert token.user == secretariat
    assert token.name == "nightly export"
    assert client.get(COMPANIES, headers={"Authorization": f"Bearer {key}"}).status_code == 200


def test_a_body_that_is_not_json_gets_400_with_the_error_body(client, secretariat, bearer):
    response = client.post(
        COMPANIES, "{not json", content_type="application/json", headers=bearer(secretariat)
    )

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
