"""The container files (Dockerfile, docker-compose.yml, .dockerignore) agree with the code they run: real `openclaw`
subcommands and options, real settings, a health-gated start order. No Docker and no network needed."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from cryptography.fernet import Fernet

from api.config import Settings
from api.health import router as health_router
from sandbox.notify import ALLOW_REMOTE_ENV
from workers.cli import main as cli

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
OPENCLAW_SERVICES = {name: s for name, s in SERVICES.items() if s.get("build") == "."}
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
# Variables the compose file reads for itself (interpolation), not settings of the app.
COMPOSE_ONLY = {"OPENCLAW_IMAGE", "OPENCLAW_PORT", "OPENCLAW_SANDBOX_PORT", "OPENCLAW_DEMO_PASSWORD"}
OPENCLAW_BIN = Path(sys.executable).parent / "openclaw"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE)
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions():
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def _interpolated(value: str) -> str:
    """What compose makes of ${VAR:-default} / ${VAR:?message} when the variable is unset (a stand-in for :?)."""

    def one(match: re.Match[str]) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if op == ":-":
            return arg
        if name == "OPENCLAW_ENCRYPTION_KEY":
            return Fernet.generate_key().decode()
        return "set-" + name.lower()

    return re.sub(r"\$\{(\w+)(:-|:\?)?([^}]*)\}", one, value)


def _depends(service: str) -> dict[str, str]:
    depends = SERVICES[service].get("depends_on", {})
    assert isinstance(depends, dict), f"{service}: depends_on must name conditions"
    return {name: spec["condition"] for name, spec in depends.items()}


def test_the_services_and_their_images() -> None:
    assert {"postgres", "redis", "migrate", "api", "worker", "proxy", "sandbox", "seed-demo"} <= set(SERVICES)
    assert SERVICES["postgres"]["image"].split(":")[1].startswith("16")
    assert SERVICES["redis"]["image"].split(":")[1].startswith("7")
    assert any(v.endswith(":/var/lib/postgresql/data") for v in SERVICES["postgres"]["volumes"])
    assert "pg_isready" in " ".join(SERVICES["postgres"]["healthcheck"]["test"])
    assert SERVICES["redis"]["healthcheck"]["test"][1:] == ["redis-cli", "ping"]
    assert set(OPENCLAW_SERVICES) == {"migrate", "api", "worker", "sandbox", "seed-demo"}
    # The demo's parts stay out of a production `up`.
    assert {n for n, s in SERVICES.items() if s.get("profiles")} == {"sandbox", "seed-demo"}
    assert all(SERVICES[n]["profiles"] == ["demo"] for n in ("sandbox", "seed-demo"))


def test_replicas_and_one_published_port_for_the_api() -> None:
    assert SERVICES["api"]["deploy"]["replicas"] == 2
    assert SERVICES["worker"]["deploy"]["replicas"] == 2
    # Replicas cannot share a host port: the API publishes none, the proxy publishes one and forwards to api:8000.
    assert "ports" not in SERVICES["api"] and "ports" not in SERVICES["worker"]
    assert [p.split(":")[-1] for p in SERVICES["proxy"]["ports"]] == ["8080"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "listen 8080;" in nginx and "http://api:8000" in nginx and "resolver 127.0.0.11" in nginx
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in SERVICES["proxy"]["volumes"]


def test_start_order_is_health_gated() -> None:
    assert _depends("migrate") == {"postgres": "service_healthy"}
    for name in ("api", "worker"):
        assert _depends(name) == {"migrate": "service_completed_successfully", "redis": "service_healthy"}
    assert _depends("proxy") == {"api": "service_healthy"}
    assert _depends("seed-demo")["sandbox"] == "service_healthy"
    assert SERVICES["migrate"]["restart"] == "no" and SERVICES["seed-demo"]["restart"] == "no"
    # Every service waited on as healthy has a health check of its own (not the image's, disabled, or none).
    for name in SERVICES:
        for dep, condition in _depends(name).items():
            assert dep in SERVICES, f"{name} depends on an unknown service {dep}"
            if condition == "service_healthy":
                check = SERVICES[dep].get("healthcheck", {})
                assert check.get("test") and not check.get("disable"), f"{dep} has no health check"
    # The order has no cycle, and it is postgres -> migrate -> api -> proxy.
    order: list[str] = []
    pending = set(SERVICES)
    while pending:
        ready = sorted(n for n in pending if set(_depends(n)) <= set(order))
        assert ready, f"depends_on has a cycle among {sorted(pending)}"
        order += ready
        pending -= set(ready)
    assert order.index("postgres") < order.index("migrate") < order.index("api") < order.index("proxy")


def _commands() -> list[list[str]]:
    """Every openclaw command line the image runs: the Dockerfile's CMD and each compose service's command."""
    cmd = next(rest for word, rest in _instructions() if word == "CMD")
    lines = [json.loads(cmd)]
    for service in OPENCLAW_SERVICES.values():
        lines.append([_interpolated(arg) for arg in service["command"]])
    return lines


@pytest.mark.parametrize("name", sorted({line[0] for line in _commands()}))
def test_each_command_is_a_real_openclaw_subcommand(name: str) -> None:
    done = subprocess.run([str(OPENCLAW_BIN), name, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_each_command_line_parses_with_its_options() -> None:
    for line in _commands():
        command = cli.commands[line[0]]
        # Parsing without running: an unknown option or a bad value raises here.
        with command.make_context(line[0], list(line[1:])) as context:
            if "host" in context.params:
                assert context.params["host"] == "0.0.0.0", f"{shlex.join(line)} must listen beyond loopback"
    serve = json.loads(next(rest for word, rest in _instructions() if word == "CMD"))
    assert serve == ["serve", "--host", "0.0.0.0", "--port", "8000"]
    assert SERVICES["api"]["command"] == serve and SERVICES["migrate"]["command"] == ["migrate"]
    assert SERVICES["worker"]["command"] == ["worker"] and SERVICES["sandbox"]["command"][0] == "sandbox"


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    assert isinstance(env, dict)
    return {k: str(v) for k, v in env.items()}


def test_every_openclaw_variable_is_a_real_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    fields = {f"OPENCLAW_{name.upper()}" for name in Settings.model_fields}
    for name, service in OPENCLAW_SERVICES.items():
        for key in _environment(service):
            if key == ALLOW_REMOTE_ENV:  # read by the sandbox itself (sandbox/notify.py)
                assert name == "sandbox"
            elif key.startswith("OPENCLAW_"):
                assert key in fields, f"{name}: {key} is not a setting of api/config.py"
    env_example = (ROOT / ".env.example").read_text(encoding="utf-8")
    for key in re.findall(r"^#? ?(OPENCLAW_\w+)=", env_example, flags=re.M):
        assert key in fields | COMPOSE_ONLY, f".env.example: {key} is not a setting of api/config.py"
    for key in re.findall(r"\$\{(OPENCLAW_\w+)", (ROOT / "docker-compose.yml").read_text(encoding="utf-8")):
        assert key in fields | COMPOSE_ONLY, f"docker-compose.yml reads {key}, which nothing uses"
    # The settings the services get are valid together in prod (secrets present, values parse).
    for name in ("migrate", "api", "worker", "seed-demo"):
        env = {k: _interpolated(v) for k, v in _environment(OPENCLAW_SERVICES[name]).items()}
        assert env["OPENCLAW_ENV"] == "prod"
        assert env["OPENCLAW_DATABASE_URL"].startswith("postgresql+asyncpg://postgres:")
        assert "@postgres:5432/" in env["OPENCLAW_DATABASE_URL"]
        assert env["OPENCLAW_REDIS_URL"].startswith("redis://redis:6379/")
        with monkeypatch.context() as m:
            for key, value in env.items():
                m.setenv(key, value)
            settings = Settings()
        assert settings.env == "prod" and settings.secret_key and settings.encryption_key


def test_the_secrets_are_required_not_defaulted() -> None:
    env = _environment(OPENCLAW_SERVICES["api"])
    for key in ("OPENCLAW_SECRET_KEY", "OPENCLAW_ENCRYPTION_KEY"):
        assert re.fullmatch(re.escape("${" + key + ":?") + r"[^}]+\}", env[key]), (
            f"{key} must be required (${{{key}:?...}})"
        )
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_dockerfile_stages_user_healthcheck_and_entrypoint() -> None:
    stages = _stages()
    froms = [stage[0][1] for stage in stages]
    assert len(froms) >= 2 and all(" AS " in f.upper() for f in froms)
    assert froms[0].startswith("node:20") and froms[-1].startswith("python:3.11-slim")
    spa = " ".join(rest for word, rest in stages[0] if word == "RUN")
    assert "npm ci" in spa and "npm run build" in spa

    runtime = stages[-1]
    users = [rest for word, rest in runtime if word == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    healthcheck = next(rest for word, rest in runtime if word == "HEALTHCHECK")
    assert "http://127.0.0.1:8000/healthz" in healthcheck and "/healthz" in {r.path for r in health_router.routes}  # type: ignore[attr-defined]
    assert json.loads(next(rest for word, rest in runtime if word == "ENTRYPOINT")) == ["openclaw"]

    # The built SPA lands where the API serves it from.
    env = " ".join(rest for word, rest in runtime if word == "ENV")
    static_dir = re.search(r"OPENCLAW_STATIC_DIR=(\S+)", env)
    assert static_dir and "static_dir" in Settings.model_fields
    spa_name = froms[0].split()[-1]
    copies = [rest for word, rest in runtime if word == "COPY" and rest.startswith(f"--from={spa_name} ")]
    workdir = next(rest for word, rest in runtime if word == "WORKDIR")
    assert any(str(Path(workdir, c.split()[-1]).resolve()) == str(Path(static_dir.group(1))) for c in copies), (
        "the SPA is not copied to OPENCLAW_STATIC_DIR"
    )
    # `openclaw migrate` reads alembic.ini and migrations/ next to the api package (api/migrate.py).
    assert "COPY alembic.ini ./" in [f"{w} {r}" for w, r in runtime] and any(
        r.startswith("migrations ") for w, r in runtime if w == "COPY"
    )


def test_dockerignore_keeps_the_context_small_and_secret_free() -> None:
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    for entry in (".git", ".venv", ".data", "test-output", "frontend/node_modules", ".env", ".mypy_cache"):
        assert entry in ignored, entry
