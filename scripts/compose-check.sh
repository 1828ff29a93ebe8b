#!/usr/bin/env bash
# `make compose-check`: the production profile for real on this machine's Docker daemon (docs/DEPLOYMENT.md).
#   1. the base images: pulled, or when Docker Hub is out of reach, local stand-ins (scripts/docker-local-bases.sh);
#   2. docker build of the repository's Dockerfile (APP_IMAGE, default jtbd-marketplace:latest);
#   3. compose.yaml started with docker-compose (DOMAIN=localhost, fresh random secrets in an .env outside the
#      repository, PostgreSQL, Redis and the app ports bound to COMPOSE_CHECK_BIND, default 127.0.0.2, so that a
#      PostgreSQL or Redis of this machine on 127.0.0.1 is left alone);
#   4. python -m scripts.compose_check: health, migrations, HTTPS and the redirect, the golden path in Chromium;
#   5. docker-compose down -v, whatever happened (KEEP=1 leaves the profile running to look at it).
# Needs Docker, docker-compose (1.29 or `docker compose`), ports 80 and 443, and `make install-dev` (Playwright).
# Not part of `make test`: CI has no Docker daemon.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
IMAGE=${APP_IMAGE:-jtbd-marketplace:latest}
PROJECT=${COMPOSE_PROJECT:-jtbd-compose-check}
BIND=${COMPOSE_CHECK_BIND:-127.0.0.2}
KEEP=${KEEP:-0}
if [ -z "${COMPOSE:-}" ]; then
  if command -v docker-compose >/dev/null 2>&1; then COMPOSE=docker-compose; else COMPOSE="docker compose"; fi
fi
BASES=(python:3.11-slim-bookworm node:22-bookworm-slim postgres:15-bookworm redis:7-bookworm caddy:2)

echo "== base images"
missing=()
for image in "${BASES[@]}"; do
  docker image inspect "$image" >/dev/null 2>&1 || docker pull -q "$image" >/dev/null 2>&1 || missing+=("$image")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Not here and not pullable: ${missing[*]}: building local stand-ins (scripts/docker-local-bases.sh)"
  bash scripts/docker-local-bases.sh
fi
for image in "${BASES[@]}"; do
  stand_in=$(docker image inspect --format '{{index .Config.Labels "jtbd.local-stand-in"}}' "$image" 2>/dev/null || true)
  echo "  $image${stand_in:+ (local stand-in)}"
done

echo "== docker build -t $IMAGE ."
started=$(date +%s)
docker build -t "$IMAGE" . >"${TMPDIR:-/tmp}/jtbd-compose-check-build.log" 2>&1 \
  || { tail -40 "${TMPDIR:-/tmp}/jtbd-compose-check-build.log" >&2; exit 1; }
echo "  built in $(($(date +%s) - started)) s, $(docker image inspect --format '{{.Size}}' "$IMAGE" \
  | awk '{printf "%.0f MB", $1 / 1e6}') (log: ${TMPDIR:-/tmp}/jtbd-compose-check-build.log)"

# The profile's .env lives outside the repository, in its own project directory; compose.yaml's relative paths
# (./Caddyfile, .env) are resolved there, so the repository's Caddyfile is linked into it.
workdir=$(mktemp -d "${TMPDIR:-/tmp}/jtbd-compose-check.XXXXXX")
# shellcheck disable=SC2206 # COMPOSE may be two words ("docker compose")
compose=($COMPOSE -p "$PROJECT" --project-directory "$workdir" -f "$PWD/compose.yaml")
cleanup() {
  status=$?
  if [ "$KEEP" = 1 ]; then
    echo "KEEP=1: the profile is still up; stop it with: ${compose[*]} down -v && rm -rf $workdir"
  else
    echo "== ${compose[*]} down -v"
    "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
    rm -rf "$workdir"
  fi
  exit $status
}
trap cleanup EXIT
ln -s "$PWD/Caddyfile" "$workdir/Caddyfile"
healthz_token=$(openssl rand -hex 16)
sed -e "s|^DOMAIN=.*|DOMAIN=localhost|" \
  -e "s|^SECRET_KEY=.*|SECRET_KEY=$(openssl rand -hex 32)|" \
  -e "s|^POSTGRES_PASSWORD=.*|POSTGRES_PASSWORD=$(openssl rand -hex 24)|" \
  -e "s|^REDIS_PASSWORD=.*|REDIS_PASSWORD=$(openssl rand -hex 24)|" \
  -e "s|^HEALTHZ_TOKEN=.*|HEALTHZ_TOKEN=$healthz_token|" \
  -e "s|^APP_BIND=.*|APP_BIND=$BIND|" \
  -e "s|^DB_BIND=.*|DB_BIND=$BIND|" \
  .env.example >"$workdir/.env"
chmod 600 "$workdir/.env"
echo "APP_IMAGE=$IMAGE" >>"$workdir/.env"

echo "== ${compose[*]} up -d"
"${compose[@]}" up -d --no-build

echo "== python -m scripts.compose_check"
"$PY" -m scripts.compose_check --url https://localhost --project-name "$PROJECT" --project-directory "$workdir" \
  --compose "$COMPOSE" --healthz-token "$healthz_token"
