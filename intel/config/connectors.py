"""Credentials and endpoints of the platform connectors, from the environment or Streamlit's secrets.toml."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from intel.config import values as parse
from intel.config.values import PROJECT_ROOT


@dataclass(frozen=True)
class ConnectorSettings:
    """Credentials and endpoints of the platform connectors; secrets never appear in a repr."""

    secret_keys: tuple[str, ...] = field(default=(), repr=False)
    youtube_api_key: str | None = field(default=None, repr=False)
    youtube_api_url: str = "https://youtube.googleapis.com/"
    youtube_daily_quota: int = 10_000
    youtube_hub_url: str = "https://pubsubhubbub.appspot.com/subscribe"
    youtube_webhook_secret: str | None = field(default=None, repr=False)
    instagram_client_id: str | None = None
    instagram_client_secret: str | None = field(default=None, repr=False)
    instagram_api_url: str = "https://graph.instagram.com"
    instagram_auth_url: str = "https://www.instagram.com/oauth/authorize"
    instagram_token_url: str = "https://api.instagram.com/oauth/access_token"  # noqa: S105 (a URL)
    instagram_verify_token: str | None = field(default=None, repr=False)
    tiktok_client_key: str | None = None
    tiktok_client_secret: str | None = field(default=None, repr=False)
    tiktok_api_url: str = "https://open.tiktokapis.com"
    tiktok_auth_url: str = "https://www.tiktok.com/v2/auth/authorize/"
    sync_interval_s: int = 10_800
    sync_recount_days: int = 30
    sync_worker_threads: int = 4
    jobs_heartbeat_s: int = 15
    jobs_maintenance_per_million: int = 200_000

    def replace(self, **changes: object) -> ConnectorSettings:
        """A copy with some fields changed (tests point the URLs at local servers)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return ConnectorSettings(**values)


def connector_settings(source: Mapping[str, str], value: Callable[[str], str]) -> ConnectorSettings:
    """The connectors' settings from `source`; secrets fall back to Streamlit's secrets.toml."""
    secrets = streamlit_secrets() if source is os.environ else {}

    def secret(name: str) -> str | None:
        return source.get(name, "").strip() or secrets.get(name, "").strip() or None

    return ConnectorSettings(
        secret_keys=tuple(k.strip() for k in (secret("INTEL_SECRET_KEY") or "").split(",") if k.strip()),
        youtube_api_key=secret("INTEL_YOUTUBE_API_KEY"),
        youtube_api_url=parse.http_url(value("INTEL_YOUTUBE_API_URL"), "INTEL_YOUTUBE_API_URL"),
        youtube_daily_quota=parse.positive_int(value("INTEL_YOUTUBE_DAILY_QUOTA"), "INTEL_YOUTUBE_DAILY_QUOTA"),
        youtube_hub_url=parse.http_url(value("INTEL_YOUTUBE_HUB_URL"), "INTEL_YOUTUBE_HUB_URL"),
        youtube_webhook_secret=secret("INTEL_YOUTUBE_WEBHOOK_SECRET"),
        instagram_client_id=secret("INTEL_INSTAGRAM_CLIENT_ID"),
        instagram_client_secret=secret("INTEL_INSTAGRAM_CLIENT_SECRET"),
        instagram_api_url=parse.http_url(value("INTEL_INSTAGRAM_API_URL"), "INTEL_INSTAGRAM_API_URL"),
        instagram_auth_url=parse.http_url(value("INTEL_INSTAGRAM_AUTH_URL"), "INTEL_INSTAGRAM_AUTH_URL"),
        instagram_token_url=parse.http_url(value("INTEL_INSTAGRAM_TOKEN_URL"), "INTEL_INSTAGRAM_TOKEN_URL"),
        instagram_verify_token=secret("INTEL_INSTAGRAM_VERIFY_TOKEN"),
        tiktok_client_key=secret("INTEL_TIKTOK_CLIENT_KEY"),
        tiktok_client_secret=secret("INTEL_TIKTOK_CLIENT_SECRET"),
        tiktok_api_url=parse.http_url(value("INTEL_TIKTOK_API_URL"), "INTEL_TIKTOK_API_URL"),
        tiktok_auth_url=parse.http_url(value("INTEL_TIKTOK_AUTH_URL"), "INTEL_TIKTOK_AUTH_URL"),
        sync_interval_s=parse.positive_int(value("INTEL_SYNC_INTERVAL_S"), "INTEL_SYNC_INTERVAL_S"),
        sync_recount_days=parse.positive_int(value("INTEL_SYNC_RECOUNT_DAYS"), "INTEL_SYNC_RECOUNT_DAYS"),
        sync_worker_threads=parse.positive_int(value("INTEL_SYNC_WORKER_THREADS"), "INTEL_SYNC_WORKER_THREADS"),
        jobs_heartbeat_s=parse.positive_int(value("INTEL_JOBS_HEARTBEAT_S"), "INTEL_JOBS_HEARTBEAT_S"),
        jobs_maintenance_per_million=parse.per_million(value("INTEL_JOBS_MAINTENANCE_PER_MILLION"),
                                                  "INTEL_JOBS_MAINTENANCE_PER_MILLION"),
    )


def streamlit_secrets() -> dict[str, str]:
    """Top-level string values of Streamlit's secrets.toml (project, then user folder); {} when absent.

    Read with tomllib rather than `st.secrets`: this package never imports streamlit, and the worker and
    the CLI run without it. Environment variables win over the file.
    """
    found: dict[str, str] = {}
    for path in (Path.home() / ".streamlit" / "secrets.toml", PROJECT_ROOT / ".streamlit" / "secrets.toml"):
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        found.update({k: v for k, v in data.items() if isinstance(v, str)})
    return found
