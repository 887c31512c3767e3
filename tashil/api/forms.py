from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tashil.api.models import ApiToken


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text=_("What the token is for, e.g. the name of the program that will use it."),
    )
