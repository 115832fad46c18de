"""GovIndex settings, read from environment variables (12-factor).

GOVINDEX_ENV selects the mode: ``development`` (the default), ``production`` or ``test``.
Every other knob is an environment variable named below; nothing here reads a local file.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

ENVIRONMENTS = ("development", "production", "test")


def env_bool(name: str, *, default: bool) -> bool:
    """Read a yes/no variable; an unknown spelling is an error, not a silent default."""
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value (use true or false).")


def env_list(name: str, *, default: list[str]) -> list[str]:
    """Read a comma-separated list, ignoring blanks around and between the items."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


ENVIRONMENT = os.environ.get("GOVINDEX_ENV", "development").strip() or "development"
if ENVIRONMENT not in ENVIRONMENTS:
    raise ImproperlyConfigured(
        f"GOVINDEX_ENV={ENVIRONMENT!r} is not one of: {', '.join(ENVIRONMENTS)}."
    )
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=ENVIRONMENT == "development")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. In production (GOVINDEX_ENV=production) the secret "
            "key must come from the environment, for example: "
            "DJANGO_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    SECRET_KEY = "django-insecure-govindex-development-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "govindex.audit",
    "govindex.orgs",
    "govindex.assessments",
    "govindex.calendars",
    "govindex.dossiers",
    "govindex.feedback",
    "govindex.improvement",
    "govindex.portal",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "govindex.orgs.middleware.RoleMemoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout response.
    "axes.middleware.AxesMiddleware",
]

# Sign-in: django-axes counts failed attempts per (username, address) and locks that pair out for
# a while; the standard backend then checks the password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("GOVINDEX_SIGNIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GOVINDEX_SIGNIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "assessments:rounds"
LOGOUT_REDIRECT_URL = "portal:ranking"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("GOVINDEX_SESSION_HOURS", "10")) * 3600

# Evidence files: what a unit may attach to a criterion.
EVIDENCE_MAX_BYTES = int(os.environ.get("GOVINDEX_EVIDENCE_MAX_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Criterion diagnosis: a criterion is "achieved" at this share of its maximum, "partly achieved"
# at the second (shares between 0 and 1).
GOVINDEX_DIAGNOSIS_ACHIEVED = float(os.environ.get("GOVINDEX_DIAGNOSIS_ACHIEVED", "1.0"))
GOVINDEX_DIAGNOSIS_PARTLY = float(os.environ.get("GOVINDEX_DIAGNOSIS_PARTLY", "0.5"))

# Dossier imports on PostgreSQL: a batch of 200,000+ new dossiers may take the bulk path, which
# locks the dossier, counter, unit and procedure tables until it commits (pages reading them
# wait). Off by default; `govindex import dossiers --exclusive` asks for it per import.
GOVINDEX_IMPORT_EXCLUSIVE = os.environ.get("GOVINDEX_IMPORT_EXCLUSIVE", "").lower() in {
    "1",
    "true",
    "yes",
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "govindex" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: one URL. SQLite by default: WAL, so readers do not wait for the writer, and every
# transaction takes the write lock at BEGIN, so concurrent writers wait their turn (up to the busy
# timeout) instead of failing half-way with "database is locked". PostgreSQL in production,
# e.g. DATABASE_URL=postgres://user:password@host:5432/govindex.
DEFAULT_DATABASE_URL = f"sqlite:///{BASE_DIR / 'govindex.sqlite3'}"
SQLITE_INIT_COMMAND = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL,
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": SQLITE_INIT_COMMAND,
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if ENVIRONMENT == "test":
    # A deliberately weak, fast hasher: test users are throw-away and many tests log in.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Internationalisation: Vietnamese first; times stored in UTC, shown in Hanoi time.
LANGUAGE_CODE = "vi"
LANGUAGES = [
    ("vi", _("Vietnamese")),
    ("en", _("English")),
    ("id", _("Indonesian")),
]
LOCALE_PATHS = [BASE_DIR / "govindex" / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

# Static files are served by WhiteNoise. Outside production it looks them up in the apps on each
# request, so the demo and the tests need no collectstatic (and no STATIC_ROOT directory).
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# Uploaded files (evidence) live outside the web root and have no public URL: views hand them
# out after checking who may see them.
MEDIA_ROOT = Path(os.environ.get("GOVINDEX_MEDIA_ROOT", "").strip() or BASE_DIR / "var" / "media")

# Background jobs: huey, with the periodic schedules in code (each app's tasks.py), run by
# `govindex manage run_huey`. Its queue lives in an SQLite file under var/ by default, in Redis
# when GOVINDEX_HUEY_REDIS_URL is set (production; needs the `redis` extra). In tests every task
# runs at once, in the caller (immediate mode, in-memory queue).
HUEY_REDIS_URL = os.environ.get("GOVINDEX_HUEY_REDIS_URL", "").strip()
HUEY_FILE = Path(
    os.environ.get("GOVINDEX_HUEY_FILE", "").strip() or BASE_DIR / "var" / "huey.sqlite3"
)
HUEY: dict[str, object] = {
    "name": "govindex",
    "immediate": ENVIRONMENT == "test",
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread", "periodic": True},
}
if HUEY_REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": HUEY_REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(HUEY_FILE)}
    if not HUEY["immediate"]:
        HUEY_FILE.parent.mkdir(parents=True, exist_ok=True)  # huey opens the file at start-up

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
    if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        # Only behind a proxy that sets this header itself; otherwise clients could forge it.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "root": {
        "handlers": ["console"],
        "level": os.environ.get("GOVINDEX_LOG_LEVEL", "INFO").upper(),
    },
    # django-axes logs every sign-in at INFO; failures and lockouts come at WARNING. The huey
    # consumer logs each job it runs; one handler (the consumer adds its own to a bare logger).
    "loggers": {
        "axes": {"level": "WARNING"},
        # WeasyPrint logs each step of every PDF it prints at INFO; its warnings are kept.
        "weasyprint": {"level": "WARNING"},
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
