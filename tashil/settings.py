"""Tashil's one settings module, driven by environment variables (see docs/operations.md).

There is no separate production module: every difference between a laptop demo and a province's
server is an environment variable read through the typed helpers in `tashil.env`.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from tashil.env import env_bool, env_int, env_list, env_str, secret_key_from

BASE_DIR = Path(__file__).resolve().parent.parent
# Everything a running instance writes (SQLite database, secret key, huey queue, uploads) lives
# under var/, which git ignores.
VAR_DIR = Path(env_str("TASHIL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or secret_key_from(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    # Optional two-factor login (TOTP apps, plus single-use recovery codes): accounts/two_factor.py.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    # Serves Swagger UI's files from the package instead of a CDN (offline).
    "ninja",
    "tashil.core",
    "tashil.geo",
    "tashil.agencies",
    "tashil.registry",
    "tashil.cases",
    "tashil.meetings",
    "tashil.investments",
    "tashil.figures",
    "tashil.accounts",
    "tashil.notifications",
    "tashil.api",
    "tashil.open311",
    "tashil.audit",
    "tashil.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tashil.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Turns a database outage met in a view into the readable 503 page (tashil/core/faults.py);
    # one met in a middleware below reaches handler500 in tashil/urls.py, which does the same.
    "tashil.core.faults.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tashil.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified once a one-time code was accepted in this session.
    "django_otp.middleware.OTPMiddleware",
    "tashil.core.middleware.SessionIdleTimeoutMiddleware",
    # After OTPMiddleware: holds a user whose password was right at the code step (or the
    # enrolment page when TASHIL_REQUIRE_2FA_FOR_STAFF applies to them).
    "tashil.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lock-out raised during login into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tashil.urls"
WSGI_APPLICATION = "tashil.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "tashil" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tashil.core.context_processors.ui",
            ],
            "builtins": ["tashil.core.templatetags.persian", "tashil.core.templatetags.ui"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
# SQLite under var/ needs no set-up; DATABASE_URL=postgres://… selects PostgreSQL (production).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'tashil.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Our backend creates databases (the test database included) with a UTF-8 locale from
    # template0: under the C locale pg_trgm silently finds nothing in Persian text.
    DATABASES["default"]["ENGINE"] = "tashil.db.postgresql"
    DATABASES["default"]["TEST"] = {"TEMPLATE": "template0", "CHARSET": "UTF8"}
    # Server-side cursors (QuerySet.iterator) are used by the exports and the jobs, which read
    # every row: plan them for the whole result, not for its first tenth (PostgreSQL's default),
    # which picked index walks that made the case export a third slower (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c cursor_tuple_fraction=1"
else:
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server and the huey worker read while the other writes; the busy
        # timeout makes a writer wait for the lock instead of failing at once.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests on a file, not in memory: an in-memory shared-cache database answers a second
    # connection with "table is locked" at once, where the real file database waits (busy
    # timeout, WAL). The concurrency tests must see what production sees. One file per test
    # process, so that two runs at once do not delete each other's database.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"tashil-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Kept so that hashes made by other hashers (e.g. imported users) still verify and are
    # upgraded to argon2 on the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Ours only for its Persian message (accounts/validators.py); the rule is Django's.
    {"NAME": "tashil.accounts.validators.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("TASHIL_PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)

# Lock-out: a username is locked for AXES_COOLOFF_TIME after this many failures from one address.
AXES_FAILURE_LIMIT = env_int("TASHIL_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TASHIL_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tashil.accounts.views.locked_out"
AXES_VERBOSE = False

# --- Security headers and cookies -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A session ends TASHIL_SESSION_HOURS after login at the latest, after
# TASHIL_SESSION_IDLE_MINUTES without a request (0 turns the idle limit off), and when the browser
# closes: many users share office computers. SessionIdleTimeoutMiddleware keeps both limits (the
# session store pushes its own expiry forward on every save).
SESSION_COOKIE_AGE = env_int("TASHIL_SESSION_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("TASHIL_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
TASHIL_SESSION_IDLE_SECONDS = env_int("TASHIL_SESSION_IDLE_MINUTES", 60) * 60
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Behind HTTPS (TASHIL_HTTPS=1) cookies are Secure, plain HTTP is redirected and HSTS is sent.
HTTPS = env_bool("TASHIL_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("TASHIL_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Preloading commits the whole registrable domain (often a shared government domain that this
# application does not control) to HTTPS in every browser, for months, with no quick way back.
# That is the domain owner's decision, not the application's: it is opt-in, and deploy check
# W021 ("SECURE_HSTS_PRELOAD is not True") is silenced for as long as it is off.
SECURE_HSTS_PRELOAD = HTTPS and env_bool("TASHIL_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("TASHIL_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (tashil.core.middleware.ContentSecurityPolicyMiddleware), sent with
# every response that does not set its own. No inline script or style anywhere: settings reach
# the scripts through data attributes and json_script blocks (data, never executed), htmx's
# indicator style is in css/tashil.css (htmx-config meta in base.html), and every script, font
# and stylesheet is vendored. `data:` images are Bootstrap's and Swagger UI's SVG icons.
# TASHIL_CSP_REPORT_ONLY=1 sends the policy as Content-Security-Policy-Report-Only, to try a
# change on a live site: browsers then report violations in the console instead of blocking.
TASHIL_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}
TASHIL_CSP_REPORT_ONLY = env_bool("TASHIL_CSP_REPORT_ONLY", False)

# --- Two-factor login (django-otp; accounts/two_factor.py) ----------------------------------------
# Any user may turn on a TOTP code from their profile. With TASHIL_REQUIRE_2FA_FOR_STAFF=1, users
# holding a staff role (accounts.roles.STAFF_ROLES) must set one up before using the site.
TASHIL_REQUIRE_2FA_FOR_STAFF = env_bool("TASHIL_REQUIRE_2FA_FOR_STAFF", False)
# The name authenticator apps show next to the account.
OTP_TOTP_ISSUER = env_str("TASHIL_OTP_ISSUER", "Tashil")
# After n wrong codes a device accepts no code for 2^(n-1) seconds (django-otp's throttling).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# The admin lists devices (to delete a lost phone's) but never shows a secret key or a QR link.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Languages, time, calendar --------------------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "tashil" / "locale"]
LANGUAGE_COOKIE_NAME = "tashil_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
TIME_ZONE = "Asia/Tehran"
USE_TZ = True

# Python weekday numbers (Monday=0 … Sunday=6) that are not working days. Iran: Friday; some
# agencies also close on Thursday (TASHIL_WEEKEND_DAYS=3,4).
TASHIL_WEEKEND_DAYS = frozenset(int(day) for day in env_list("TASHIL_WEEKEND_DAYS", ["4"]))

# --- Obstacle cases -------------------------------------------------------------------------------
# Escalation of overdue referrals (DOMAIN.md §4): each step is reached this many working days
# after the answer was due and notified once. Format: "who:days,…" with who in officer,
# agency_head, secretariat, governor.
TASHIL_ESCALATION_STEPS = tuple(
    (who, int(days))
    for who, days in (
        step.split(":")
        for step in env_list(
            "TASHIL_ESCALATION_STEPS",
            ["officer:1", "agency_head:3", "secretariat:5", "governor:10"],
        )
    )
)
# --- Meetings and resolutions -------------------------------------------------------------------
# An agency notified of a resolution may object for this many days (DOMAIN.md §1: 15), counted
# in calendar days unless TASHIL_OBJECTION_WORKING_DAYS=1.
TASHIL_OBJECTION_DAYS = env_int("TASHIL_OBJECTION_DAYS", 15)
TASHIL_OBJECTION_WORKING_DAYS = env_bool("TASHIL_OBJECTION_WORKING_DAYS", False)
# The responsible agencies are reminded this many working days before a resolution's deadline.
TASHIL_RESOLUTION_REMINDER_DAYS = env_int("TASHIL_RESOLUTION_REMINDER_DAYS", 3)
# How long (calendar days) a company has to confirm an outcome or reopen a resolved case.
TASHIL_CONFIRMATION_DAYS = env_int("TASHIL_CONFIRMATION_DAYS", 14)
# An agency may extend a referral's deadline once, by at most this many working days.
TASHIL_MAX_EXTENSION_DAYS = env_int("TASHIL_MAX_EXTENSION_DAYS", 10)
# Attachments: the largest file accepted, and how many one upload may carry.
TASHIL_ATTACHMENT_MAX_BYTES = env_int("TASHIL_ATTACHMENT_MAX_MB", 10) * 1024 * 1024
TASHIL_ATTACHMENTS_PER_UPLOAD = env_int("TASHIL_ATTACHMENTS_PER_UPLOAD", 5)
# Text messages: "tashil.notifications.sms.ConsoleSmsBackend" prints them; a provider's backend
# implements the same `send(to, text)`.
TASHIL_SMS_BACKEND = env_str("TASHIL_SMS_BACKEND", "tashil.notifications.sms.ConsoleSmsBackend")

# --- Static files and uploads ---------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns about a missing root on every start before the first collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "tashil" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("TASHIL_MANIFEST_STATIC", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"
# Serve vendored files straight from the source tree when collectstatic has not run (tests, demo).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email ----------------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tashil@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background jobs (huey) -----------------------------------------------------------------------
# SQLite storage by default (no server to run); HUEY_REDIS_URL switches to Redis for scale.
_huey_redis = env_str("HUEY_REDIS_URL")
HUEY = {
    "name": "tashil",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
}
if _huey_redis:
    HUEY.update({"huey_class": "huey.RedisHuey", "url": _huey_redis})
else:
    HUEY.update({"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")})

# --- Logging --------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("TASHIL_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs each rendering step, and fontTools each font it subsets, at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
