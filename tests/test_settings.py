"""config.settings read from the environment, each case in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
OWN_VARIABLES = ("GOVINDEX_", "DJANGO_", "DATABASE_URL")

PRINT_SETTINGS = """
import json, sys
from django.conf import settings
print(json.dumps({name: getattr(settings, name) for name in sys.argv[1:]}, default=str))
"""

PRINT_SQLITE_BEHAVIOUR = """
import json, django
django.setup()
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
with connection.cursor() as cursor:
    pragmas = {}
    for name in ("journal_mode", "synchronous", "foreign_keys"):
        cursor.execute(f"PRAGMA {name}")
        pragmas[name] = cursor.fetchone()[0]
with CaptureQueriesContext(connection) as queries, transaction.atomic():
    connection.cursor().execute("SELECT 1")
print(json.dumps({"pragmas": pragmas, "first_statement": queries.captured_queries[0]["sql"]}))
"""


def run_python(code: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run code in a new interpreter whose environment holds only ``env`` of our variables."""
    clean = {key: value for key, value in os.environ.items() if not key.startswith(OWN_VARIABLES)}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def read_settings(*names: str, **env: str) -> dict[str, Any]:
    result = run_python(PRINT_SETTINGS, *names, **env)
    assert result.returncode == 0, result.stderr
    values: dict[str, Any] = json.loads(result.stdout)
    return values


def test_production_without_secret_key_refuses_to_start() -> None:
    result = run_python(PRINT_SETTINGS, "DEBUG", GOVINDEX_ENV="production")

    assert result.returncode == 1
    assert "django.core.exceptions.ImproperlyConfigured: DJANGO_SECRET_KEY is not set." in (
        result.stderr
    )
    assert "GOVINDEX_ENV=production" in result.stderr


def test_production_is_locked_down() -> None:
    values = read_settings(
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        GOVINDEX_ENV="production",
        DJANGO_SECRET_KEY="a-real-secret-from-the-vault",
        DJANGO_ALLOWED_HOSTS="chiso.hanoi.gov.vn, www.chiso.hanoi.gov.vn,",
    )

    assert values == {
        "DEBUG": False,
        "SECRET_KEY": "a-real-secret-from-the-vault",
        "ALLOWED_HOSTS": ["chiso.hanoi.gov.vn", "www.chiso.hanoi.gov.vn"],
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    }


def test_production_ssl_redirect_can_be_left_to_the_proxy() -> None:
    values = read_settings(
        "SECURE_SSL_REDIRECT",
        GOVINDEX_ENV="production",
        DJANGO_SECRET_KEY="a-real-secret-from-the-vault",
        DJANGO_SECURE_SSL_REDIRECT="false",
    )

    assert values == {"SECURE_SSL_REDIRECT": False}


def test_development_defaults() -> None:
    values = read_settings(
        "DEBUG", "ALLOWED_HOSTS", "TIME_ZONE", "LANGUAGE_CODE", "MEDIA_ROOT", "SECURE_SSL_REDIRECT"
    )

    assert values == {
        "DEBUG": True,
        "ALLOWED_HOSTS": ["127.0.0.1", "localhost"],
        "TIME_ZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGE_CODE": "vi",
        "MEDIA_ROOT": str(BASE_DIR / "var" / "media"),
        "SECURE_SSL_REDIRECT": False,
    }


def test_test_mode_is_not_debug_unless_asked() -> None:
    assert read_settings("DEBUG", GOVINDEX_ENV="test") == {"DEBUG": False}
    assert read_settings("DEBUG", GOVINDEX_ENV="test", DJANGO_DEBUG="true") == {"DEBUG": True}


def test_unknown_environment_is_refused() -> None:
    result = run_python(PRINT_SETTINGS, "DEBUG", GOVINDEX_ENV="staging")

    assert result.returncode == 1
    assert (
        "ImproperlyConfigured: GOVINDEX_ENV='staging' is not one of: "
        "development, production, test." in result.stderr
    )


def test_default_database_is_sqlite_in_the_project_root() -> None:
    database = read_settings("DATABASES")["DATABASES"]["default"]

    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(BASE_DIR / "govindex.sqlite3")
    assert database["OPTIONS"] == {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON",
        "transaction_mode": "IMMEDIATE",
    }


def test_postgres_url_is_parsed_without_sqlite_options() -> None:
    database = read_settings(
        "DATABASES", DATABASE_URL="postgres://gov:s3cret@db.hanoi.internal:5433/govindex"
    )["DATABASES"]["default"]

    assert database == {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "govindex",
        "USER": "gov",
        "PASSWORD": "s3cret",
        "HOST": "db.hanoi.internal",
        "PORT": 5433,
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": False,
    }


def test_sqlite_connection_uses_wal_and_immediate_transactions(tmp_path: Path) -> None:
    result = run_python(PRINT_SQLITE_BEHAVIOUR, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "pragmas": {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1},
        "first_statement": "BEGIN IMMEDIATE",
    }
