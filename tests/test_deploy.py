"""Under the documented production variables (README.md, "Production"), the deploy checks are clean."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

# The set README.md documents; keep the two in step.
PRODUCTION_ENVIRONMENT = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "consular.example.go.jp",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "BEHIND_TLS_PROXY": "true",
    "TRUSTED_PROXY_COUNT": "1",
    "CSRF_TRUSTED_ORIGINS": "https://consular.example.go.jp",
    "WEBAUTHN_RP_ID": "consular.example.go.jp",
    "WEBAUTHN_ALLOWED_ORIGINS": "https://consular.example.go.jp",
}

# Anything the developer or CI exported that would change what is being checked.
INHERITED_SETTINGS = {
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "CACHE_URL",
    "CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER", "BEHIND_TLS_PROXY", "TRUSTED_PROXY_COUNT", "SECURE_COOKIES",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_PRELOAD", "WEBAUTHN_RP_ID",
    "WEBAUTHN_ALLOWED_ORIGINS", "EMAIL_BACKEND", "STATIC_ROOT", "MEDIA_ROOT",
}  # fmt: skip


def manage(*arguments: str, environment: dict[str, str], var_dir) -> subprocess.CompletedProcess:
    clean = {name: value for name, value in os.environ.items() if name not in INHERITED_SETTINGS}
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=settings.BASE_DIR,
        # A var directory of its own: the check must not create or touch the developer's data.
        env={**clean, **environment, "CONSULAR_VAR_DIR": str(var_dir)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_under_the_production_variables(tmp_path):
    result = manage("check", "--deploy", "--fail-level", "WARNING", environment=PRODUCTION_ENVIRONMENT,
                    var_dir=tmp_path)  # fmt: skip

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    environment = {name: value for name, value in PRODUCTION_ENVIRONMENT.items() if name != "SECRET_KEY"}

    result = manage("check", environment=environment, var_dir=tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_tls_proxy_without_a_trusted_proxy_count_is_a_deploy_warning(tmp_path):
    environment = {**PRODUCTION_ENVIRONMENT, "TRUSTED_PROXY_COUNT": "0"}

    result = manage("check", "--deploy", "--fail-level", "WARNING", environment=environment, var_dir=tmp_path)

    assert result.returncode != 0
    assert "consular.W001" in result.stderr + result.stdout
