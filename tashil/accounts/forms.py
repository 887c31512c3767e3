from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from tashil.accounts import services
from tashil.accounts.models import User
from tashil.core.forms import NationalCodeField


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
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
