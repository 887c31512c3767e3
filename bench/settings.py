"""Settings of the benchmark: Tashil's own, plus the framework-floor view (`bench/urls.py`).

Everything else stays as production runs it (DEBUG off, the full middleware, the database of
DATABASE_URL), so that the pages are measured on the stack a province's server runs.
"""

from tashil.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
DEBUG = False
# Production serves static files from a collectstatic manifest; the benchmark does not run
# collectstatic, and the manifest storage refuses to build URLs without one. Only `{% static %}`
# lookups differ (a dictionary lookup either way), so the plain storage changes nothing measured.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The benchmark's session cookies are sent over plain HTTP to 127.0.0.1 (wrk, the test client).
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
