"""The articles settings: the database password and S3 keys may come from secret files."""

from __future__ import annotations

import pytest

from articles.settings import Settings
from portalkit.config import ConfigError


def test_the_postgres_password_file_completes_the_database_url(tmp_path):
    secret = tmp_path / "postgres_password"
    secret.write_text("s3cret:pw\n")
    settings = Settings.from_env(
        {
            "DATABASE_URL": "postgresql://portal@postgres:5432/portal",
            "POSTGRES_PASSWORD_FILE": str(secret),
        }
    )
    assert settings.database_url == "postgresql://portal:s3cret%3Apw@postgres:5432/portal"


def test_s3_keys_come_from_files_and_only_in_pairs(tmp_path):
    (tmp_path / "key_id").write_text("AKIAEXAMPLE\n")
    (tmp_path / "secret").write_text("example-secret\n")
    settings = Settings.from_env(
        {
            "S3_ACCESS_KEY_ID_FILE": str(tmp_path / "key_id"),
            "S3_SECRET_ACCESS_KEY_FILE": str(tmp_path / "secret"),
        }
    )
    assert settings.s3_credentials == ("AKIAEXAMPLE", "example-secret")
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"S3_ACCESS_KEY_ID": "AKIAEXAMPLE"})
    assert caught.value.name == "S3_SECRET_ACCESS_KEY"
