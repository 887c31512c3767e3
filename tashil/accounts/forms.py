from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from tashil.accounts import services
from tashil.accounts.models import User
from tashil.core.forms import NationalCodeField


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    # The column's length (an address may be up to 320 characters by the standard).
    email = forms.EmailField(label=_("Email"), required=False, max_length=254)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    national_code = NationalCodeField(label=_("National code"), required=False)

    @classmethod
    def for_user(cls, user: User, data: Any = None) -> ProfileForm:
        initial = {name: getattr(user, name) for name in services.PROFILE_FIELDS}
        return cls(data=data, initial=initial)


class ServicePasswordChangeForm(PasswordChangeForm):
    """Django's validation; the write goes through our service so it leaves an event."""

    def save(self, commit: bool = True) -> Any:
        return services.user_set_password(
            actor=self.user,
            user=self.user,
            password=self.cleaned_data["new_password1"],
            via_reset=False,
        )


class ServiceSetPasswordForm(SetPasswordForm):
    def save(self, commit: bool = True) -> Any:
        return services.user_set_password(
            actor=self.user,
            user=self.user,
            password=self.cleaned_data["new_password1"],
            via_reset=True,
        )


class QueuedPasswordResetForm(PasswordResetForm):
    """The reset mail leaves through the worker, like every other mail: an unreachable SMTP
    server must not make the reset page hang or fail."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        from tashil.notifications.tasks import send_email

        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        send_email(to=[to_email], subject=subject, body=body)


class OneTimeCodeForm(forms.Form):
    """A code from the authenticator app (six digits) or a recovery code. Only its shape is
    checked here; services.two_factor_check decides whether it is right."""

    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six-digit code your authenticator app shows now, or a recovery code."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "dir": "ltr"}
        ),
    )
