# syntax=docker/dockerfile:1
# One image for every part of OpenClaw: `openclaw serve` (the default), `worker`, `sandbox`, `migrate`, and the
# operator commands (`create-tenant`, `create-user`, `create-api-key`, `seed-demo`). docker-compose.yml runs each.
#
#   docker build -t openclaw .
#   docker run --rm openclaw --help

# --- Stage 1: the SPA (frontend/), built with the Node version package.json asks for ----------------------------
FROM node:20-bookworm-slim AS spa
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- Stage 2: the Python package and its dependencies in a virtualenv -------------------------------------------
FROM python:3.11-slim AS python
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
WORKDIR /app
COPY pyproject.toml ./
COPY api ./api
COPY workers ./workers
COPY sandbox ./sandbox
# Editable on purpose: `openclaw migrate` finds alembic.ini and migrations/ next to the api package
# (api/migrate.py ROOT), so the code stays in /app, at the same path in the runtime stage.
RUN /opt/venv/bin/pip install -e .

# --- Stage 3: the runtime -----------------------------------------------------------------------------------------
FROM python:3.11-slim AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    OPENCLAW_STATIC_DIR=/app/frontend/dist
RUN groupadd --system --gid 10001 openclaw \
 && useradd --system --uid 10001 --gid openclaw --home-dir /app --shell /usr/sbin/nologin openclaw
WORKDIR /app
COPY --from=python /opt/venv /opt/venv
COPY --from=python /app /app
COPY alembic.ini ./
COPY migrations ./migrations
COPY --from=spa /src/frontend/dist ./frontend/dist
# .data/ is where dev mode keeps generated secrets and the sandbox may keep its state; the only writable path.
RUN mkdir -p /app/.data && chown openclaw:openclaw /app/.data
USER openclaw:openclaw
EXPOSE 8000
# Liveness of `serve` on its default port (no curl in the slim image). docker-compose.yml gives the worker,
# the sandbox and migrate their own checks or none.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["openclaw"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
