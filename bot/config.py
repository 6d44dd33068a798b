"""Settings from the environment and `.env` (pydantic-settings)."""
from __future__ import annotations

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    # Storage: sqlite[+aiosqlite]:///path or postgresql[+asyncpg]://user@host/db
    database_url: str = "sqlite+aiosqlite:///gridbot.db"
    db_pool_size: int = 10

    http_host: str = "127.0.0.1"
    http_port: int = 8080

    # Which chat platform to use: "sim" (local simulator), "wechaty", "wecom".
    transport: str = "sim"
    # Load the demo community into an empty database when running on the simulator.
    load_demo: bool = True

    # How long a pending confirmation (broadcast 确认, demand 是) stays valid.
    confirm_ttl_seconds: int = 600
    # Default community id for people who write privately before any room binds them.
    default_community: str | None = None

    log_level: str = "INFO"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
