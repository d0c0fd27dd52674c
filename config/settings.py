"""Crosscheck settings: one module, driven by environment variables.

SQLite (the embedded default) unless DATABASE_URL is set, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get(
    "DJANGO_SECRET_KEY",
    "dev-only-insecure-key-change-me-in-production-0123456789abcdef",
)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files (the CSP allows 'self')
    "axes",
    "annotate",
    "verify",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so redirects and refusals made by later middleware get the CSP too.
    "config.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.LoginRequiredMiddleware",
    # Last, as django-axes asks: it turns a lockout into the 429 answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

SQLITE_PATH = Path(os.environ.get("CROSSCHECK_SQLITE_PATH", BASE_DIR / "db.sqlite3"))

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                # WAL lets readers work while an import writes; IMMEDIATE takes the write
                # lock at BEGIN so two writers queue instead of failing with "locked".
                # A 16 MB page cache (SQLite's default: 2 MB) holds an import batch of 1,000
                # articles (about 12 MB of pages): each page goes to the WAL once, instead of
                # spilling mid-transaction and being written and read again (a third fewer
                # read and write calls for an import; docs/benchmarks.md).
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-16384;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "TEST": {"NAME": os.environ.get("CROSSCHECK_TEST_SQLITE_PATH") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Serve app static files straight from the apps when `collectstatic` has not been run
# (`make run` on a new machine); production runs collectstatic into STATIC_ROOT.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "annotate:home"
LOGOUT_REDIRECT_URL = "login"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a bad token then answers 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api_errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Crosscheck API",
    "DESCRIPTION": "Import articles, annotate them, verify facts across sources, export gold data.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ under our CSP: Swagger UI from drf-spectacular-sidecar's static files, and
    # its start-up script from a URL of its own (SpectacularSwaggerSplitView), not inline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Several models have a nested `State`; name each enum after its model.
    "ENUM_NAME_OVERRIDES": {
        "ImportBatchStateEnum": "annotate.models.ImportBatch.State",
        "TaskStateEnum": "annotate.models.Task.State",
        "AnnotationStateEnum": "annotate.models.Annotation.State",
    },
    # The `<id:...>` path converter (config/ids.py): 1 to 18 digits, so ID_MAX at most.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}
    },
    # 400/401/403/404 with their bodies on every operation (config/schema_hooks.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.schema_hooks.add_error_responses",
    ],
}

# Import limits. A file over the limit is rejected before it is read.
CROSSCHECK_IMPORT_MAX_BYTES = int(os.environ.get("CROSSCHECK_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
CROSSCHECK_IMPORT_BATCH_SIZE = int(os.environ.get("CROSSCHECK_IMPORT_BATCH_SIZE", 1000))
# Processes that parse files while the importing process stores them (0: parse inline),
# used from CROSSCHECK_IMPORT_PARALLEL_FROM files on (smaller imports: inline).
CROSSCHECK_IMPORT_WORKERS = int(
    os.environ.get("CROSSCHECK_IMPORT_WORKERS", min(2, os.cpu_count() or 1))
)
CROSSCHECK_IMPORT_PARALLEL_FROM = int(os.environ.get("CROSSCHECK_IMPORT_PARALLEL_FROM", 200))
# Suggestions after an import: inline unless a job queue (a Redis URL for RQ) is configured;
# off with CROSSCHECK_SUGGEST_ON_IMPORT=0 (then run `manage.py suggest --since DATE`).
CROSSCHECK_JOB_QUEUE = os.environ.get("CROSSCHECK_JOB_QUEUE", "")
CROSSCHECK_SUGGEST_ON_IMPORT = os.environ.get("CROSSCHECK_SUGGEST_ON_IMPORT", "1") != "0"
# Gold dataset releases (verify.services.releases): one folder per release, written to a
# temporary folder beside it and renamed.
CROSSCHECK_RELEASES_DIR = Path(
    os.environ.get("CROSSCHECK_RELEASES_DIR", BASE_DIR / "var" / "releases")
)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Security (docs/decisions.md, "Security and data safety"). Headers and the CSP come from
# config/security.py. Login attempts are rate-limited by django-axes: after
# AXES_FAILURE_LIMIT failures for one username from one address, that pair is refused
# (HTTP 429) for AXES_COOLOFF_TIME hours; a successful login resets the count.
AUTHENTICATION_BACKENDS = [
    "config.security.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("CROSSCHECK_LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = int(os.environ.get("CROSSCHECK_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = float(os.environ.get("CROSSCHECK_LOGIN_COOLOFF_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# Production mode (README, "Running in production"): DJANGO_DEBUG=0 needs a real
# DJANGO_SECRET_KEY and turns on HTTPS-only cookies, the HTTPS redirect and HSTS.
if not DEBUG:
    from django.core.exceptions import ImproperlyConfigured

    if SECRET_KEY.startswith("dev-only-") or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG=0 needs DJANGO_SECRET_KEY (50+ random characters), e.g. from "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
        # Only behind a proxy that sets this header itself and strips it from clients.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        # Login lockout by the client's address as the proxy (or proxies) saw it.
        AXES_IPWARE_PROXY_COUNT = int(os.environ.get("DJANGO_PROXY_COUNT", 1))
        AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
