from __future__ import annotations

import re

from django.urls import reverse

from tashil.api.models import ApiToken
from tashil.api.services import key_hash, token_create
from tashil.factories import UserFactory

PAGE = reverse("api:tokens")


def revoke(token):
    return reverse("api:token_revoke", args=[token.pk])


def test_the_page_needs_a_login(client, db):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_the_page_lists_only_the_users_own_tokens(client, owner, secretariat):
    mine, _key = token_create(actor=owner, user=owner, name="حسابداری")
    theirs, _key = token_create(actor=secretariat, user=secretariat, name="گزارش شبانه")
    client.force_login(owner)

    response = client.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "حسابداری" in html
    assert mine.prefix in html
    assert "گزارش شبانه" not in html
    assert revoke(theirs) not in html


def test_creating_a_token_shows_its_key_once(client, owner):
    client.force_login(owner)

    response = client.post(PAGE, {"name": "انبار"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r'value="(tsh_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=owner)
    assert token.name == "انبار"
    assert token.key_hash == key_hash(key)
    assert key not in client.get(PAGE).content.decode()
    api = client.get(reverse("api-v1:company_list"), headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 200


def test_a_token_needs_a_name(client, owner):
    client.force_login(owner)

    response = client.post(PAGE, {"name": ""})

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoking_a_token_is_a_post_that_stops_it(client, owner):
    token, key = token_create(actor=owner, user=owner, name="old")
    client.force_login(owner)

    assert client.get(revoke(token)).status_code == 405
    response = client.post(revoke(token))

    assert response.status_code == 302
    assert response.url == PAGE
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = client.get(PAGE).content.decode()
    assert revoke(token) not in page
    api = client.get(reverse("api-v1:company_list"), headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(client, owner, secretariat):
    token, _key = token_create(actor=secretariat, user=secretariat, name="theirs")
    client.force_login(owner)

    response = client.post(revoke(token))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_has_no_inline_script(client, owner):
    client.force_login(owner)

    html = client.post(PAGE, {"name": "x"}).content.decode()

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []


def test_an_administrator_revokes_tokens_from_the_admin(client, owner):
    superuser = UserFactory(username="root", is_staff=True, is_superuser=True)
    token, _key = token_create(actor=owner, user=owner, name="leaked")
    client.force_login(superuser)
    changelist = reverse("admin:api_apitoken_changelist")

    assert client.get(changelist).status_code == 200
    response = client.post(
        changelist, {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )

    assert response.status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
