"""The project's URLs with the handler500 of tashil.core.faults, for the fault tests until
tashil/urls.py names it (then the tests use the project's own URLconf)."""

from tashil.urls import urlpatterns

__all__ = ["urlpatterns"]

handler500 = "tashil.core.faults.server_error"
