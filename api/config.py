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
    # The arq queue the API enqueues to and the workers read: environments (or test runs) sharing one Redis each
    # use their own.
    queue_name: str = "arq:queue"
    secret_key: str = ""
    encryption_key: str = ""

    max_body_bytes: int = 5 * 1024 * 1024
    # A client that sends headers but not the body (or stalls in it) gets 408 after this many seconds of silence.
    body_read_timeout_seconds: float = 10.0
    # No request waits on a database or Redis that is down or hung for more than a few seconds: it gets 503.
    # Workers run longer statements (statement timeout for jobs); the CSV export streams at the client's pace and
    # sets its own (api/exports/service.py). 0 means no timeout.
    db_connect_timeout_seconds: float = 3.0
    db_statement_timeout_ms: int = 4000
    db_pool_timeout_seconds: float = 2.0
    db_worker_statement_timeout_ms: int = 120_000
    db_export_statement_timeout_ms: int = 30 * 60 * 1000
    session_ttl_hours: int = 12
    # Login throttling (api/auth/throttle.py): per account, failures beyond `login_max_failures` start a backoff
    # that doubles from `login_backoff_base_seconds` up to `login_backoff_max_seconds`; per client address, at most
    # `login_address_max_failures` unsuccessful attempts within `login_window_seconds`.
    login_max_failures: int = 5
    login_backoff_base_seconds: float = 1.0
    login_backoff_max_seconds: float = 60.0
    login_address_max_failures: int = 20
    login_window_seconds: int = 900
    cookie_secure: bool = False
    # Where browsers reach this app: the platforms redirect a seller's authorisation back to
    # {public_url}/v1/oauth/{platform}/callback, and the callback sends the seller on to the SPA's Connections screen;
    # alert messages link to its board with the rule's filters applied.
    public_url: str = "http://127.0.0.1:8000"
    static_dir: str = "frontend/dist"

    # The push engine (workers): how often an accepted push is read back, the deadline that overrides every
    # platform's own (api/platforms.py CONFIRM_DEADLINE; for tests and demos), and how long an action may go
    # without a heartbeat before the reconciler enqueues it again (worker killed, queue flushed).
    confirm_check_seconds: float = 60
    confirm_deadline_seconds: float | None = None
    action_stale_seconds: float = 60

    # Alerts (api/alerts/outbound.py, api/alerts/channels/): robot and webhook targets must resolve to public addresses;
    # true lets loopback and private ones through for every channel kind (tests, the demo's local receiver). Cloud
    # metadata addresses are refused either way.
    allow_private_webhooks: bool = False
    # Email alerts over SMTP. security: "tls" = implicit TLS (port 465, what CN providers document), "starttls"
    # (587), "none" (a local relay). The From address should be the login account: providers refuse mismatches.
    smtp_host: str = ""
    smtp_port: int = 465
    smtp_security: Literal["tls", "starttls", "none"] = "tls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_timeout_seconds: float = 10.0

    # Platform notifications (api/hooks/): the public base URL the platforms call, e.g. https://openclaw.example.com.
    # Shopee signs the callback URL it calls, so the receiver rebuilds it from this and the request path; empty
    # means the URL of the request as it arrived (right when nothing rewrites it on the way, e.g. loopback tests).
    hooks_public_base_url: str = ""

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
