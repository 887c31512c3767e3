from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tashil.accounts import services
from tashil.accounts.access import has_role
from tashil.accounts.forms import (
    OneTimeCodeForm,
    ProfileForm,
    ServicePasswordChangeForm,
    ServiceSetPasswordForm,
)
from tashil.accounts.roles import STAFF_ROLES
from tashil.accounts.two_factor import has_confirmed_device, qr_code_svg, remember_state
from tashil.core.http import AuthenticatedRequest


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    form = ProfileForm.for_user(request.user, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(actor=request.user, user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("accounts:profile")
    context = {"form": form, "two_factor_on": has_confirmed_device(request.user)}
    return render(request, "accounts/profile.html", context)


def locked_out(request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any) -> Any:
    """django-axes calls this when a username is locked after repeated failed logins."""
    return render(request, "accounts/locked_out.html", status=429)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ServicePasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ServiceSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


# --- Two-factor login -----------------------------------------------------------------------------
def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
def two_factor_setup(request: AuthenticatedRequest) -> HttpResponse:
    """Shows a new secret as a QR code; the first right code from the app turns it on."""
    if has_confirmed_device(request.user):
        messages.info(request, _("Two-factor login is already on for your account."))
        return redirect("accounts:profile")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = services.two_factor_start(user=request.user)
    form = OneTimeCodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_confirm(
                actor=request.user, device=device, token=form.cleaned_data["token"]
            )
        except services.TwoFactorError as error:
            form.add_error("token", error.message)
        else:
            device.refresh_from_db()
            request.session.cycle_key()
            otp_login(request, device)
            remember_state(request, has_device=True)
            # Shown this once, on this response: they are not kept anywhere readable.
            return render(
                request,
                "accounts/two_factor_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_code": mark_safe(qr_code_svg(device.config_url)),  # noqa: S308 - our own SVG
        "required": settings.TASHIL_REQUIRE_2FA_FOR_STAFF and has_role(request.user, *STAFF_ROLES),
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@login_required
def two_factor_verify(request: AuthenticatedRequest) -> HttpResponse:
    """The second step of login for a user with two-factor login on."""
    if request.user.is_verified() or not has_confirmed_device(request.user):  # type: ignore[attr-defined]
        # Already through, or an administrator removed the device since login.
        remember_state(request, has_device=request.user.is_verified())  # type: ignore[attr-defined]
        return redirect(_safe_next(request))
    form = OneTimeCodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_check(user=request.user, token=form.cleaned_data["token"])
        except services.TwoFactorError as error:
            form.add_error("token", error.message)
        else:
            request.session.cycle_key()
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You used a recovery code; each works once. If your phone is lost, "
                        "turn two-factor login off and on again to get new codes."
                    ),
                )
            return redirect(_safe_next(request))
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def two_factor_disable(request: AuthenticatedRequest) -> HttpResponse:
    """Turning it off needs a current code, so that an open session alone is not enough."""
    if not has_confirmed_device(request.user):
        return redirect("accounts:profile")
    if settings.TASHIL_REQUIRE_2FA_FOR_STAFF and has_role(request.user, *STAFF_ROLES):
        messages.error(request, _("Your role requires two-factor login; it cannot be turned off."))
        return redirect("accounts:profile")
    form = OneTimeCodeForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_check(user=request.user, token=form.cleaned_data["token"])
        except services.TwoFactorError as error:
            form.add_error("token", error.message)
        else:
            services.two_factor_disable(actor=request.user, user=request.user)
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            remember_state(request, has_device=False)
            messages.success(request, _("Two-factor login is off."))
            return redirect("accounts:profile")
    return render(request, "accounts/two_factor_disable.html", {"form": form})
