#!/usr/bin/env bash
# Local stand-ins for the Docker Hub images that the Dockerfile and compose.yaml use, built from Debian packages.
#
# It exists for machines that run a Docker daemon but cannot pull from Docker Hub (no registry, or none reachable),
# while a Debian mirror is: the production profile can then still be built and started there (`make compose-check`).
# A machine that can pull the official images does not need it, and should not use it.
#
# It produces these tags, under the official names so that the Dockerfile and compose.yaml are used unchanged:
#   jtbd-local/debian:bookworm   debootstrap --variant=minbase of Debian 12, imported (the root of the others)
#   python:3.11-slim-bookworm    Debian's python3.11 and python3-venv, `python` on the PATH (python-is-python3)
#   node:22-bookworm-slim        THIS host's `node` and npm copied to /usr/local (Debian's own nodejs is not a
#                                standalone binary); its version is the host's (label org.opencontainers.image.version)
#   postgres:15-bookworm         Debian's PostgreSQL 15 (bookworm's), with an entrypoint that does what the
#                                official one does for compose.yaml: POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB
#                                create the role and the database on first start in /var/lib/postgresql/data;
#                                pg_isready on the PATH
#   redis:7-bookworm             Debian's redis-server and redis-cli (7.0), data in /data, run as the redis user
#   caddy:2                      Debian's caddy (2.6), `caddy run` of /etc/caddy/Caddyfile, data in /data, config in
#                                /config
# Every stand-in carries the label jtbd.local-stand-in (`docker inspect`), and so does an image built FROM one.
#
# Idempotent: an image that exists is kept (FORCE=1 rebuilds them all). Needs root (debootstrap), debootstrap
# (apt-get install debootstrap) and a Debian mirror (DEBIAN_MIRROR, default http://deb.debian.org/debian).
# If this host trusts extra certificate authorities (/usr/local/share/ca-certificates/*.crt, e.g. a TLS-inspecting
# egress proxy), they are added to the root image, and Node, npm and Python's httpx (SSL_CERT_FILE) are told to use the
# system's bundle, so that pip (Debian's trusts it already), npm, bun and Reflex reach their registries in a build.
set -euo pipefail

MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
FORCE=${FORCE:-0}
ROOT_TAG=jtbd-local/debian:bookworm
STANDIN="local stand-in built by scripts/docker-local-bases.sh from Debian bookworm packages, not the Docker Hub image"

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
missing() { [ "$FORCE" = 1 ] || ! docker image inspect "$1" >/dev/null 2>&1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/jtbd-docker-bases.XXXXXX")
cleanup() { as_root rm -rf "$work"; }
trap cleanup EXIT

# build TAG DIR: docker build of DIR/Dockerfile (the classic builder and BuildKit both accept these Dockerfiles).
build() {
  echo "Building $1 ..."
  docker build --label "jtbd.local-stand-in=$STANDIN" -t "$1" "$2" >"$2/build.log" 2>&1 \
    || { tail -30 "$2/build.log" >&2; exit 1; }
  echo "  $1: $(docker image inspect --format '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1 / 1e6}')"
}

# --- the root: Debian 12 minbase --------------------------------------------------------------------------------------
if missing "$ROOT_TAG"; then
  command -v debootstrap >/dev/null 2>&1 || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
  rootfs="$work/rootfs"
  echo "debootstrap bookworm (minbase) from $MIRROR (a few minutes)..."
  as_root debootstrap --variant=minbase --include=ca-certificates bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  as_root tee "$rootfs/etc/apt/sources.list" >/dev/null <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECURITY_MIRROR bookworm-security main
EOF
  # As Docker's debian:bookworm-slim: no recommends, no docs or man pages, no apt cache kept in the image.
  as_root tee "$rootfs/etc/apt/apt.conf.d/docker-slim" >/dev/null <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Binary::apt::APT::Keep-Downloaded-Packages "false";
EOF
  as_root tee "$rootfs/etc/dpkg/dpkg.cfg.d/docker-slim" >/dev/null <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
EOF
  shopt -s nullglob
  extra_cas=(/usr/local/share/ca-certificates/*.crt)
  shopt -u nullglob
  if [ ${#extra_cas[@]} -gt 0 ]; then
    echo "Adding this host's extra certificate authorities: ${extra_cas[*]}"
    as_root cp "${extra_cas[@]}" "$rootfs/usr/local/share/ca-certificates/"
    as_root chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
  fi
  as_root chroot "$rootfs" apt-get clean
  as_root rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log \
    "$rootfs"/usr/share/doc/*/changelog* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/*
  env_args=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --change 'ENV LANG=C.UTF-8')
  if [ ${#extra_cas[@]} -gt 0 ]; then
    # Node (so npm and bun) and Python's httpx (certifi) keep their own lists of authorities: point them at the
    # system's, which has the extras.
    env_args+=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
    env_args+=(--change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt')
  fi
  as_root tar -C "$rootfs" --numeric-owner -c . \
    | docker import "${env_args[@]}" --change 'CMD ["bash"]' \
      --change "LABEL jtbd.local-stand-in=\"$STANDIN\"" - "$ROOT_TAG" >/dev/null
  as_root rm -rf "$rootfs"
  echo "  $ROOT_TAG: $(docker image inspect --format '{{.Size}}' "$ROOT_TAG" | awk '{printf "%.0f MB", $1 / 1e6}')"
fi

# --- python:3.11-slim-bookworm --------------------------------------------------------------------------------------
if missing python:3.11-slim-bookworm; then
  mkdir -p "$work/python"
  cat >"$work/python/Dockerfile" <<EOF
FROM $ROOT_TAG
RUN apt-get update \\
    && apt-get install -y --no-install-recommends python3.11 python3-venv python-is-python3 \\
    && rm -rf /var/lib/apt/lists/*
CMD ["python3"]
EOF
  build python:3.11-slim-bookworm "$work/python"
fi

# --- node:22-bookworm-slim: the Dockerfile copies /usr/local/bin/node and /usr/local/lib/node_modules from it ---------
if missing node:22-bookworm-slim; then
  node_bin=$(command -v node || true)
  npm_dir=""
  for candidate in /usr/lib/node_modules/npm /usr/local/lib/node_modules/npm; do
    if [ -f "$candidate/package.json" ]; then npm_dir=$candidate; break; fi
  done
  if [ -z "$node_bin" ] || [ -z "$npm_dir" ]; then
    echo "node:22-bookworm-slim needs this host's node and npm (e.g. NodeSource's nodejs package)" >&2
    exit 1
  fi
  node_bin=$(readlink -f "$node_bin")
  if ldd "$node_bin" | grep -q libnode; then
    echo "$node_bin is linked against libnode (Debian's nodejs): a standalone build is needed (NodeSource, nodejs.org)" >&2
    exit 1
  fi
  node_version=$("$node_bin" --version)
  mkdir -p "$work/node"
  cp "$node_bin" "$work/node/node"
  cp -a "$npm_dir" "$work/node/npm"
  # npm's built-in config (it travels with npm): use the system's authorities, which include this host's extras.
  echo "cafile=/etc/ssl/certs/ca-certificates.crt" >"$work/node/npm/npmrc"
  cat >"$work/node/Dockerfile" <<EOF
FROM $ROOT_TAG
LABEL org.opencontainers.image.version="$node_version"
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
    && node --version && npm --version
CMD ["node"]
EOF
  build node:22-bookworm-slim "$work/node"
fi

# --- postgres:15-bookworm ---------------------------------------------------------------------------------------------
if missing postgres:15-bookworm; then
  mkdir -p "$work/postgres"
  cat >"$work/postgres/docker-entrypoint.sh" <<'EOF'
#!/bin/bash
# What compose.yaml relies on from the official image's entrypoint: on the first start (an empty PGDATA), initdb with
# POSTGRES_USER as the superuser and POSTGRES_PASSWORD as its password (scram-sha-256 over TCP from anywhere), then
# CREATE DATABASE POSTGRES_DB, *.sql and *.sh in /docker-entrypoint-initdb.d; then postgres as the postgres user.
set -euo pipefail
if [ "${1:0:1}" = - ]; then set -- postgres "$@"; fi
if [ "$1" != postgres ]; then exec "$@"; fi

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set for the first start}"
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  # shellcheck disable=SC2086  # POSTGRES_INITDB_ARGS is a list of words, as in the official image
  initdb --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 ${POSTGRES_INITDB_ARGS:-} -D "$PGDATA" >/dev/null
  rm -f "$pwfile"
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
  echo "listen_addresses = '*'" >>"$PGDATA/postgresql.auto.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  if [ "$db" != postgres ]; then
    psql -v ON_ERROR_STOP=1 -X -q --username="$user" --dbname=postgres --set=db="$db" <<<'CREATE DATABASE :"db";'
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sql) psql -v ON_ERROR_STOP=1 -X -q --username="$user" --dbname="$db" -f "$f" ;;
      *.sh) . "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "PostgreSQL init process complete; ready for start up."
fi
exec "$@"
EOF
  chmod 755 "$work/postgres/docker-entrypoint.sh"
  cat >"$work/postgres/Dockerfile" <<EOF
FROM $ROOT_TAG
# As the official image: Debian's package must not create a cluster of its own (the entrypoint makes PGDATA's).
RUN mkdir -p /etc/postgresql-common/createcluster.d \\
    && echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/docker.conf \\
    && apt-get update \\
    && apt-get install -y --no-install-recommends postgresql \\
    && rm -rf /var/lib/apt/lists/* \\
    && mkdir -p /docker-entrypoint-initdb.d \\
    && ln -s "\$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)" /usr/lib/postgresql/bin
ENV PATH=/usr/lib/postgresql/bin:\$PATH \\
    PGDATA=/var/lib/postgresql/data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /var/lib/postgresql/data
ENTRYPOINT ["docker-entrypoint.sh"]
STOPSIGNAL SIGINT
EXPOSE 5432
CMD ["postgres"]
EOF
  build postgres:15-bookworm "$work/postgres"
fi

# --- redis:7-bookworm -------------------------------------------------------------------------------------------------
if missing redis:7-bookworm; then
  mkdir -p "$work/redis"
  cat >"$work/redis/docker-entrypoint.sh" <<'EOF'
#!/bin/bash
# As the official image: redis-server runs as the redis user in /data, and (as its build does) without protected
# mode, which would refuse other containers when no password is set.
set -euo pipefail
if [ "${1:0:1}" = - ]; then set -- redis-server "$@"; fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
if [ "$1" = redis-server ] && [[ " $* " != *protected-mode* ]]; then
  shift
  set -- redis-server "$@" --protected-mode no
fi
exec "$@"
EOF
  chmod 755 "$work/redis/docker-entrypoint.sh"
  cat >"$work/redis/Dockerfile" <<EOF
FROM $ROOT_TAG
RUN apt-get update \\
    && apt-get install -y --no-install-recommends redis-server redis-tools \\
    && rm -rf /var/lib/apt/lists/* \\
    && mkdir -p /data && chown redis:redis /data
COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
VOLUME /data
WORKDIR /data
ENTRYPOINT ["docker-entrypoint.sh"]
EXPOSE 6379
CMD ["redis-server"]
EOF
  build redis:7-bookworm "$work/redis"
fi

# --- caddy:2 ----------------------------------------------------------------------------------------------------------
if missing caddy:2; then
  mkdir -p "$work/caddy"
  cat >"$work/caddy/Dockerfile" <<EOF
FROM $ROOT_TAG
RUN apt-get update \\
    && apt-get install -y --no-install-recommends caddy \\
    && rm -rf /var/lib/apt/lists/* \\
    && mkdir -p /config/caddy /data/caddy /srv
ENV XDG_CONFIG_HOME=/config \\
    XDG_DATA_HOME=/data
VOLUME /config
VOLUME /data
WORKDIR /srv
EXPOSE 80 443 443/udp 2019
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
EOF
  build caddy:2 "$work/caddy"
fi

docker image ls --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' \
  | grep -E '^(jtbd-local/debian:bookworm|python:3.11-slim-bookworm|node:22-bookworm-slim|postgres:15-bookworm|redis:7-bookworm|caddy:2)\s'
