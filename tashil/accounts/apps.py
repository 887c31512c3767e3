from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tashil.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # Connects the login receiver that records the session's two-factor state.
        from tashil.accounts import two_factor  # noqa: F401
