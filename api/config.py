"""Settings from the environment (prefix OPENCLAW_), with development secrets generated once into .data/."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from cryptography.fernet import Fernet
from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path(".data")


def _dev_secret(name: str) -> str:
    """A secret generated once per checkout, kept in a git-ignored file so restarts keep sessions and data."""
    path = DATA_DIR / name
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(exist_ok=True)
    value = Fernet.generate_key().decode() if name == "encryption_key" else secrets.token_urlsafe(48)
    path.write_text(value)
    path.chmod(0o600)
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPENCLAW_", extra="ignore")

    env: Literal["dev", "prod"] = "dev"
    # The owner connection: migrations run with it; requests and jobs switch to the app role (see api/db.py).
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw"
    # Optional separate login for the app role; without it the owner connection does SET ROLE openclaw_app.
    app_database_url: str | None = None
    redis_url: str = "redis://127.0.0.1:6379/0"
    secret_key: str = ""
    encryption_key: str = ""

    max_body_bytes: int = 5 * 1024 * 1024
    session_ttl_hours: int = 12
    login_max_failures: int = 5  # failures before the account locks
    login_lock_minutes: int = 15
    cookie_secure: bool = False
    static_dir: str = "frontend/dist"

    @model_validator(mode="after")
    def _secrets(self) -> Settings:
        if self.env == "prod":
            missing = [n for n in ("secret_key", "encryption_key") if not getattr(self, n)]
            if missing:
                names = ", ".join(f"OPENCLAW_{n.upper()}" for n in missing)
                raise ValueError(f"{names} must be set when OPENCLAW_ENV=prod")
        else:
            self.secret_key = self.secret_key or _dev_secret("secret_key")
            self.encryption_key = self.encryption_key or _dev_secret("encryption_key")
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
