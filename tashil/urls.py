from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from tashil.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("tashil.accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("tashil.api.urls")),
    path("registry/", include("tashil.registry.urls")),
    path("notifications/", include("tashil.notifications.urls")),
    path("cases/", include("tashil.cases.urls")),
    path("meetings/", include("tashil.meetings.urls")),
    path("investments/", include("tashil.investments.urls")),
    path("figures/", include("tashil.figures.urls")),
    path("audit/", include("tashil.audit.urls")),
    path("open311/v2/", include("tashil.open311.urls")),
    path("", include("tashil.core.urls")),
]

# A database outage met before any view runs (the session, two-factor and idle-timeout
# middleware read the session first) reaches this handler, not the outage middleware: it sends
# such errors to the readable 503 page and everything else to a plain 500 page.
handler500 = "tashil.core.faults.server_error"
