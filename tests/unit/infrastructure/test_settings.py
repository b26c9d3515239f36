"""Settings: one object from the environment; bad values refused with the setting's name only."""

from __future__ import annotations

import pytest

from infrastructure.settings import SettingsError, load_settings


def test_a_master_key_shorter_than_32_characters_is_refused_without_echoing_it() -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(master_api_key="short-but-secret-value")
    assert "MASTER_API_KEY" in str(refused.value)
    assert "32" in str(refused.value)
    assert "short-but-secret-value" not in str(refused.value)


@pytest.mark.parametrize("url", ["mysql://root@db/x", "sqlite:///x.db", "postgresql-ish://x"])
def test_a_database_url_that_is_not_postgresql_is_refused(url: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(database_url=url)
    assert "DATABASE_URL" in str(refused.value)
    assert url not in str(refused.value)


def test_surrounding_spaces_do_not_turn_a_postgresql_url_into_sqlite() -> None:
    settings = load_settings(database_url="  postgresql://hub@db.internal:5432/hub \n")
    assert settings.uses_postgres
    assert settings.database_url_text == "postgresql://hub@db.internal:5432/hub"


def test_an_empty_database_url_means_the_embedded_store() -> None:
    assert not load_settings(database_url="").uses_postgres


def test_lists_are_comma_separated_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALLOWED_HOSTS", " hub.example.com, ,api.example.com ")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1")
    settings = load_settings()
    assert settings.allowed_hosts == ["hub.example.com", "api.example.com"]
    assert settings.trusted_proxies == ["10.0.0.1"]


def test_secrets_never_show_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASTER_API_KEY", "kQ7-zP2xWm" * 4)
    monkeypatch.setenv("DATABASE_URL", "postgresql://hub:db-password-123@db/hub")
    text = repr(load_settings()) + str(load_settings())
    assert "kQ7-zP2x" not in text
    assert "db-password-123" not in text


def test_the_public_base_url_never_keeps_a_trailing_slash() -> None:
    assert load_settings(public_base_url="https://hub.example.com/").public_base_url == (
        "https://hub.example.com"
    )


@pytest.mark.parametrize("weak", ["a" * 32, "ab" * 20, "abcdefghi" * 4])
def test_a_long_but_patterned_master_key_is_refused(weak: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(master_api_key=weak)
    assert "not random" in str(refused.value)
    assert weak not in str(refused.value)
