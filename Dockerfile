# JTBD Marketplace, production image: the frontend is built once, here; each container migrates the database as it
# starts (an advisory lock lets several start together), then serves pages, websocket and HTTP routes on port 8000
# with several backend workers (GRANIAN_WORKERS). See docs/DEPLOYMENT.md.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS node

# --- build: the virtualenv and the compiled frontend -----------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS build
ENV PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    REFLEX_USE_SYSTEM_BUN=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    PATH=/app/.tools/node_modules/.bin:/opt/venv/bin:$PATH
# Node (Reflex's build runs it beside bun); npm only to install the pinned bun.
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && python -m venv /opt/venv
WORKDIR /app
COPY requirements.txt ./
RUN pip install -r requirements.txt
ARG BUN_VERSION=1.4.5
RUN npm install --prefix .tools --no-audit --no-fund "bun@${BUN_VERSION}"
COPY . .
# The build needs settings only to import the app: a throwaway SQLite file, never shipped. The pages find the backend
# on their own host (Reflex's "localhost" API URL is rewritten to the page's origin behind HTTPS), so one image serves
# any domain. Set REFLEX_API_URL only to serve plain HTTP on a port other than 80/443.
ARG REFLEX_API_URL=
RUN DATABASE_URL=sqlite:////tmp/build.db JTBD_ENV=development \
    REFLEX_API_URL="${REFLEX_API_URL:-http://localhost:8000}" \
    python -m jtbd_app.serve build \
    && rm -rf .tools .web/node_modules .web/.vite /tmp/build.db data .states uploaded_files

# --- runtime: Python, the app, the built frontend; no Node, no bun --------------------------------------------------
FROM ${PYTHON_IMAGE} AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    REFLEX_TELEMETRY_ENABLED=false \
    JTBD_ENV=production \
    PORT=8000 \
    PRIVATE_FILES_DIR=/data/private \
    REFLEX_UPLOADED_FILES_DIR=/data/uploads \
    PATH=/opt/venv/bin:$PATH
# PostgreSQL's client programs for `python -m jtbd_app.cli backup` and `restore` (docs/BACKUPS.md): pg_dump must be of
# the server's major version, Debian bookworm's 15 for compose.yaml's postgres:15 (for a newer server, install the
# matching postgresql-client-NN from apt.postgresql.org here).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && mkdir -p /data/private /data/uploads \
    && chown -R app:app /data
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=app:app /app /app
USER app
EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz\", timeout=4)"]
CMD ["python", "-m", "jtbd_app.serve"]
