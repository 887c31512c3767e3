from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvestmentsConfig(AppConfig):
    name = "tashil.investments"
    label = "investments"
    verbose_name = _("Investment, exports, visits and sector shares")
