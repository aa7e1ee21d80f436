"""Settings: defaults, overrides, clear errors, and a README that documents every setting."""

from pathlib import Path

import pytest

from intel.config import PROJECT_ROOT, SETTINGS, ConfigError, get_settings


def test_defaults_need_no_services_sqlite_file_under_data_and_embedded_store():
    settings = get_settings({})
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'data' / 'intel.db'}"
    assert settings.redis_url is None
    assert (settings.cache_ttl_real, settings.cache_ttl_demo) == (43200, 21600)
    assert settings.refresh_interval == 3600
    assert settings.demo_mode is False


def test_environment_overrides_every_value():
    settings = get_settings(
        {
            "DATABASE_URL": "postgresql+psycopg2://u:p%40ss@db:5432/intel",
            "REDIS_URL": "redis://cache:6379/2",
            "INTEL_CACHE_TTL_REAL": "60",
            "INTEL_REFRESH_INTERVAL": "10",
        }
    )
    assert settings.database_url == "postgresql+psycopg2://u:p%40ss@db:5432/intel"
    assert settings.redis_url == "redis://cache:6379/2"
    assert settings.cache_ttl_real == 60
    assert settings.refresh_interval == 10


def test_demo_mode_uses_the_separate_demo_database():
    settings = get_settings({"INTEL_DEMO": "1", "DATABASE_URL": "postgresql://x@db/real"})
    assert settings.demo_mode is True
    assert settings.database_url.endswith("data/demo.db")


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL is not a valid database URL"),
        ({"DATABASE_URL": "mysql://x@y/z"}, "DATABASE_URL must be an sqlite:// or postgresql://"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL must look like redis://"),
        ({"INTEL_CACHE_TTL_REAL": "12h"}, "INTEL_CACHE_TTL_REAL must be a whole number"),
        ({"INTEL_REFRESH_INTERVAL": "0"}, "INTEL_REFRESH_INTERVAL must be positive"),
        ({"INTEL_DEMO": "maybe"}, "INTEL_DEMO must be 1 or 0"),
        ({"INTEL_TIMEZONE": "Mars/Olympus"}, "INTEL_TIMEZONE must be an IANA time zone like Europe/Lisbon"),
        ({"INTEL_TIMEZONE": "+02:00"}, "INTEL_TIMEZONE must be an IANA time zone"),
    ],
)
def test_a_malformed_value_gives_one_clear_line(env, fragment):
    with pytest.raises(ConfigError) as info:
        get_settings(env)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


def test_every_setting_is_in_the_readme_configuration_table():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in readme]
    assert missing == []


def test_the_default_time_zone_is_utc_and_a_configured_one_is_spelled_as_the_tz_database_does():
    assert get_settings({}).timezone == "UTC"
    assert get_settings({"INTEL_TIMEZONE": " america/new_york "}).timezone == "America/New_York"
