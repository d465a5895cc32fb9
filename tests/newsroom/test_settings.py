"""The newsroom's settings: secrets from files, one clear error for a bad value."""

from __future__ import annotations

import pytest

from newsroom.settings import Settings
from portalkit.config import ConfigError


def test_secrets_come_from_files_and_the_password_joins_the_database_url(tmp_path):
    (tmp_path / "key").write_text("a-newsroom-secret-key-from-a-file\n")
    (tmp_path / "token").write_text("a-newsroom-api-token\n")
    (tmp_path / "pg").write_text("p@ss word\n")

    settings = Settings.from_env(
        {
            "NEWSROOM_SECRET_KEY_FILE": str(tmp_path / "key"),
            "NEWSROOM_API_TOKEN_FILE": str(tmp_path / "token"),
            "NEWSROOM_DATABASE_URL": "postgresql://portal@postgres:5432/portal",
            "POSTGRES_PASSWORD_FILE": str(tmp_path / "pg"),
            "PUBLIC_URL": "https://portal.example.vn/",
        }
    )

    assert settings.secret_key == "a-newsroom-secret-key-from-a-file"
    assert settings.api_token == "a-newsroom-api-token"
    assert settings.database_url == "postgresql://portal:p%40ss%20word@postgres:5432/portal"
    assert settings.secure_cookies


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEWSROOM_SECRET_KEY", "short"),
        ("NEWSROOM_LOGIN_MAX_FAILURES", "0"),
        ("NEWSROOM_REQUIRE_2FA", "perhaps"),
        ("NEWSROOM_DATABASE_URL", "mysql://x"),
    ],
)
def test_a_bad_value_names_its_setting(name, value):
    with pytest.raises(ConfigError) as refused:
        Settings.from_env({name: value})
    assert name in str(refused.value)
