"""Two-factor login (django-otp): turning it on from the profile, the code step after the
password, recovery codes, throttled guessing, turning it off, and the staff requirement."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tashil.accounts import services
from tashil.accounts.models import AccountEvent
from tashil.conftest import PASSWORD

LOGIN = reverse("accounts:login")
SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:two_factor_verify")
DISABLE = reverse("accounts:two_factor_disable")
HOME = reverse("core:home")


@pytest.fixture(autouse=True)
def _english(client, settings):
    # New strings have no Persian translation until the lead compiles the catalogue.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def code_of(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def next_time_window(device: TOTPDevice) -> None:
    """A TOTP code is accepted once per 30-second window; tests move on to the next one
    instead of sleeping."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)


def turn_on(user) -> tuple[TOTPDevice, list[str]]:
    device = services.two_factor_start(user=user)
    codes = services.two_factor_confirm(actor=user, device=device, token=code_of(device))
    next_time_window(device)
    return device, codes


def log_in_with_password(client, username: str = "secretariat"):
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return response


# --- Turning it on --------------------------------------------------------------------------------


def test_the_setup_page_shows_a_qr_code_and_the_secret_but_turns_nothing_on_yet(
    client, secretariat
):
    client.force_login(secretariat)
    response = client.get(SETUP)

    assert response.status_code == 200
    body = response.content.decode()
    device = TOTPDevice.objects.get(user=secretariat)
    assert not device.confirmed
    assert "<svg" in body and "<path" in body
    secret = response.context["secret"].replace(" ", "")
    assert secret and secret in device.config_url
    assert not AccountEvent.objects.filter(user=secretariat, kind="two_factor_enabled").exists()
    # Reloading the page keeps the same secret: the app may already have scanned it.
    assert client.get(SETUP).context["secret"] == response.context["secret"]
    assert TOTPDevice.objects.filter(user=secretariat).count() == 1


def test_a_wrong_first_code_turns_nothing_on(client, secretariat):
    client.force_login(secretariat)
    client.get(SETUP)

    response = client.post(SETUP, {"token": "000000"})

    assert response.status_code == 200
    assert "This code is not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=secretariat, confirmed=True).exists()
    assert not StaticToken.objects.filter(device__user=secretariat).exists()
    assert not AccountEvent.objects.filter(user=secretariat, kind="two_factor_enabled").exists()


def test_the_first_right_code_turns_it_on_and_shows_recovery_codes_once(client, secretariat):
    client.force_login(secretariat)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=secretariat)

    response = client.post(SETUP, {"token": code_of(device)})

    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == services.RECOVERY_CODE_COUNT
    assert all(code in response.content.decode() for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    stored = StaticToken.objects.filter(device__user=secretariat).values_list("token", flat=True)
    assert sorted(stored) == sorted(codes)
    event = AccountEvent.objects.get(user=secretariat, kind="two_factor_enabled")
    assert event.actor == secretariat
    # This session proved the code: it goes on without being asked again.
    assert client.get(HOME).status_code == 200
    # The codes are not shown again.
    assert client.get(SETUP).status_code == 302


def test_confirming_a_setup_that_is_no_longer_open_is_an_error_not_a_crash(secretariat):
    # The form sent twice: the first confirmed the device, the second finds no open setup.
    device = services.two_factor_start(user=secretariat)
    services.two_factor_confirm(actor=secretariat, device=device, token=code_of(device))

    with pytest.raises(services.TwoFactorError) as refused:
        services.two_factor_confirm(actor=secretariat, device=device, token=code_of(device))

    assert refused.value.code == "stale"
    assert AccountEvent.objects.filter(user=secretariat, kind="two_factor_enabled").count() == 1


def test_the_two_factor_pages_are_never_cached(client, secretariat):
    client.force_login(secretariat)

    response = client.get(SETUP)

    assert "no-store" in response["Cache-Control"]


def test_a_code_typed_with_persian_digits_and_a_space_is_accepted(client, secretariat):
    client.force_login(secretariat)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=secretariat)
    code = code_of(device).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))

    response = client.post(SETUP, {"token": f"{code[:3]} {code[3:]}"})

    assert response.status_code == 200
    assert TOTPDevice.objects.get(user=secretariat).confirmed


# --- Logging in -----------------------------------------------------------------------------------


def test_a_user_without_two_factor_logs_in_with_the_password_alone(client, secretariat):
    log_in_with_password(client)

    assert client.get(HOME).status_code == 200


def test_after_the_password_a_user_with_two_factor_must_give_a_code(client, secretariat):
    device, _codes = turn_on(secretariat)
    log_in_with_password(client)

    # The password alone opens no page, and no API call through the session.
    cases = reverse("cases:list")
    response = client.get(cases)
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Fcases%2F"
    assert client.get(HOME).status_code == 302
    assert client.get("/api/v1/companies").status_code == 302
    # A bearer header on an ordinary page does not stand in for the code.
    assert client.get(cases, headers={"Authorization": "Bearer tsh_x"}).status_code == 302
    assert client.get(VERIFY).status_code == 200

    response = client.post(VERIFY, {"token": code_of(device), "next": cases})

    assert response.status_code == 302
    assert response.url == cases
    assert client.get(cases).status_code == 200
    assert client.get(HOME).status_code == 200


def test_the_code_step_does_not_follow_a_next_to_another_site(client, secretariat):
    device, _codes = turn_on(secretariat)
    log_in_with_password(client)

    response = client.post(VERIFY, {"token": code_of(device), "next": "https://evil.example/"})

    assert response.status_code == 302
    assert response.url == HOME


def test_a_user_waiting_for_the_code_can_log_out(client, secretariat):
    turn_on(secretariat)
    log_in_with_password(client)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_codes_are_throttled_even_when_the_next_one_is_right(client, secretariat):
    device, _codes = turn_on(secretariat)
    log_in_with_password(client)

    response = client.post(VERIFY, {"token": "000000"})
    assert "This code is not right" in response.content.decode()
    # Right away, even the right code is refused: django-otp wants a pause after a failure.
    response = client.post(VERIFY, {"token": code_of(device)})

    assert response.status_code == 200
    assert "Too many wrong codes" in response.content.decode()
    assert client.get(HOME).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    # Once the pause is over, the right code is taken and the count starts again.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - dt.timedelta(seconds=2)
    )
    response = client.post(VERIFY, {"token": code_of(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert client.get(HOME).status_code == 200


def test_the_pause_doubles_with_each_wrong_code(secretariat):
    device, _codes = turn_on(secretariat)
    for failures in range(1, 4):
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        with pytest.raises(services.TwoFactorError) as raised:
            services.two_factor_check(user=secretariat, token="000000")
        assert raised.value.code == "wrong"
        device.refresh_from_db()
        assert device.throttling_failure_count == failures

    with pytest.raises(services.TwoFactorError) as raised:
        services.two_factor_check(user=secretariat, token=code_of(device))
    assert raised.value.code == "throttled"
    assert "Wait 4 seconds" in raised.value.message


def test_a_recovery_code_logs_in_once(client, secretariat):
    _device, codes = turn_on(secretariat)
    log_in_with_password(client)

    response = client.post(VERIFY, {"token": codes[0].upper()})

    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    event = AccountEvent.objects.get(user=secretariat, kind="recovery_code_used")
    assert event.data == {"left": services.RECOVERY_CODE_COUNT - 1}

    client.post(reverse("accounts:logout"))
    log_in_with_password(client)
    response = client.post(VERIFY, {"token": codes[0]})
    assert response.status_code == 200
    assert client.get(HOME).status_code == 302


def test_a_password_alone_cannot_set_up_another_app(client, secretariat):
    device, _codes = turn_on(secretariat)
    log_in_with_password(client)

    response = client.get(SETUP)

    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=secretariat)) == [device]


# --- Turning it off -------------------------------------------------------------------------------


def test_turning_it_off_needs_a_right_code_and_records_an_event(client, secretariat):
    device, _codes = turn_on(secretariat)
    log_in_with_password(client)
    client.post(VERIFY, {"token": code_of(device)})
    next_time_window(device)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)

    response = client.post(DISABLE, {"token": "123456"})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=secretariat, confirmed=True).exists()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)

    response = client.post(DISABLE, {"token": code_of(device)})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=secretariat).exists()
    assert not StaticDevice.objects.filter(user=secretariat).exists()
    assert AccountEvent.objects.filter(user=secretariat, kind="two_factor_disabled").count() == 1
    # The next login needs the password only.
    client.post(reverse("accounts:logout"))
    log_in_with_password(client)
    assert client.get(HOME).status_code == 200


# --- The staff requirement ------------------------------------------------------------------------


def test_when_required_staff_must_set_it_up_before_anything_else(
    client, secretariat, owner, settings
):
    settings.TASHIL_REQUIRE_2FA_FOR_STAFF = True
    client.force_login(secretariat)

    response = client.get(reverse("cases:list"))
    assert response.status_code == 302
    assert response.url.startswith(SETUP)
    page = client.get(SETUP)
    assert page.status_code == 200
    assert page.context["required"]

    client.post(SETUP, {"token": code_of(TOTPDevice.objects.get(user=secretariat))})
    assert client.get(reverse("cases:list")).status_code == 200
    # Nor can it be turned off while the role requires it.
    assert client.post(DISABLE, {"token": "000000"}).status_code == 302
    assert TOTPDevice.objects.filter(user=secretariat, confirmed=True).exists()


def test_when_required_a_company_representative_is_not_asked(client, owner, settings):
    settings.TASHIL_REQUIRE_2FA_FOR_STAFF = True
    client.force_login(owner)

    assert client.get(HOME).status_code == 200


def test_by_default_staff_are_not_forced(client, secretariat):
    client.force_login(secretariat)

    assert client.get(HOME).status_code == 200


def test_the_profile_says_whether_two_factor_login_is_on(client, secretariat):
    client.force_login(secretariat)
    assert "Two-factor login is off." in client.get(reverse("accounts:profile")).content.decode()

    client.get(SETUP)
    client.post(SETUP, {"token": code_of(TOTPDevice.objects.get(user=secretariat))})

    assert "Two-factor login is on." in client.get(reverse("accounts:profile")).content.decode()


def test_an_administrator_removing_a_lost_phone_in_the_admin_turns_it_off_with_an_event(
    client, secretariat
):
    from tashil.factories import UserFactory

    device, _codes = turn_on(secretariat)
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    change = reverse("admin:otp_totp_totpdevice_change", args=[device.pk])
    delete = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])

    assert client.post(change, {"name": "x", "key": "00"}).status_code == 403
    response = client.post(delete, {"post": "yes"})

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=secretariat).exists()
    assert not StaticDevice.objects.filter(user=secretariat).exists()
    event = AccountEvent.objects.get(user=secretariat, kind="two_factor_disabled")
    assert event.actor == root
