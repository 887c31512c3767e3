from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tashil.accounts.models import AccountEvent
from tashil.conftest import PASSWORD

LOGIN = reverse("accounts:login")


def test_a_user_logs_in_with_the_right_password(client, secretariat):
    response = client.post(LOGIN, {"username": "secretariat", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert client.session["_auth_user_id"] == str(secretariat.pk)


def test_a_wrong_password_gets_a_persian_message_and_no_session(client, secretariat):
    response = client.post(LOGIN, {"username": "secretariat", "password": "wrong"})

    assert response.status_code == 200
    assert "نام کاربری و گذرواژه" in response.content.decode()  # Django's own fa catalogue
    assert "_auth_user_id" not in client.session


def test_the_message_is_english_when_the_user_chose_english(client, secretariat, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(LOGIN, {"username": "secretariat", "password": "wrong"})

    assert "Please enter a correct username and password" in response.content.decode()


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client, secretariat, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "secretariat", "password": "wrong"})

    response = client.post(LOGIN, {"username": "secretariat", "password": PASSWORD})

    assert response.status_code == 429
    assert "قفل" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_need_a_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_logout_is_a_post(client, secretariat):
    client.force_login(secretariat)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_profile_saves_a_national_code_typed_in_persian_digits(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("accounts:profile"),
        {"first_name": "مریم", "last_name": "احمدی", "national_code": "۰۴۹۹۳۷۰۸۹۹"},
    )

    assert response.status_code == 302
    secretariat.refresh_from_db()
    assert secretariat.national_code == "0499370899"
    event = AccountEvent.objects.get(user=secretariat, kind="profile_updated")
    assert "national_code" in event.data["fields"]


def test_a_wrong_national_code_is_refused_and_nothing_changes(client, secretariat):
    client.force_login(secretariat)
    before = secretariat.first_name
    response = client.post(
        reverse("accounts:profile"), {"first_name": "تغییر", "national_code": "0684159415"}
    )

    assert response.status_code == 200
    assert "این کد ملی معتبر نیست" in response.content.decode()
    secretariat.refresh_from_db()
    assert secretariat.first_name == before
    assert secretariat.national_code == ""
    assert not AccountEvent.objects.filter(user=secretariat, kind="profile_updated").exists()


def test_changing_the_password_needs_the_old_one(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "N3w-pass-1404",
            "new_password2": "N3w-pass-1404",
        },
    )

    assert response.status_code == 200
    secretariat.refresh_from_db()
    assert secretariat.check_password(PASSWORD)
    assert not AccountEvent.objects.filter(user=secretariat, kind="password_changed").exists()


def test_changing_the_password_records_an_event(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "N3w-pass-1404",
            "new_password2": "N3w-pass-1404",
        },
    )

    assert response.status_code == 302
    secretariat.refresh_from_db()
    assert secretariat.check_password("N3w-pass-1404")
    assert AccountEvent.objects.filter(user=secretariat, kind="password_changed").count() == 1


@pytest.mark.django_db
def test_a_password_reset_by_email_sets_the_new_password(client, secretariat):
    response = client.post(reverse("accounts:password_reset"), {"email": secretariat.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Reset-pass-1404", "new_password2": "Reset-pass-1404"},
    )

    assert response.status_code == 302
    secretariat.refresh_from_db()
    assert secretariat.check_password("Reset-pass-1404")
    assert AccountEvent.objects.filter(user=secretariat, kind="password_reset").count() == 1


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert mail.outbox == []
