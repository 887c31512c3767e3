from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit trail across the apps' event tables: read-only views, export, and the database
    guard that keeps events from being edited or deleted."""

    name = "tashil.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from tashil.audit import guards

        guards.install()
