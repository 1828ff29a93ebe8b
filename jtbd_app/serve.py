"""What an app container runs: `python -m jtbd_app.serve build` once when the image is built, then
`python -m jtbd_app.serve` at every start (migrate, then serve the built frontend and the backend with several
workers on one port).

`reflex run --env prod` compiles the app and builds the frontend again at every start, in every container; the build
is the same each time (the browser finds the backend on the page's own host, see docs/DEPLOYMENT.md), so it is made
once, into the image."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from jtbd_app.cli import migrate


def build() -> int:
    """Compile the app and build its frontend into REFLEX_WEB_WORKDIR (`.web` unless told)."""
    command = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip", "--env", "prod"]
    return subprocess.run(command, check=False).returncode  # noqa: S603 - this interpreter, fixed arguments


def serve(*, host: str, port: int, workers: int | None) -> None:
    """Serve the frontend built by `build` and the backend, `workers` processes (GRANIAN_WORKERS, else Reflex's
    choice: 2 x CPU + 1, at most 8, with Redis; one without)."""
    from reflex.utils import exec as reflex_exec
    from reflex_base.constants import Env, LogLevel
    from reflex_base.environment import environment

    environment.REFLEX_ENV_MODE.set(Env.PROD)
    environment.REFLEX_SKIP_COMPILE.set(True)  # the workers import the app; the build is already there
    environment.REFLEX_MOUNT_FRONTEND_COMPILED_APP.set(True)  # one port: pages, websocket and HTTP routes
    if workers:
        os.environ["GRANIAN_WORKERS"] = str(workers)

    reflex_exec.run_granian_backend_prod(host, port, LogLevel(os.environ.get("REFLEX_LOGLEVEL", "info")))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m jtbd_app.serve", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "build"], default="serve")
    parser.add_argument("--host", default=os.environ.get("HOST", "0.0.0.0"))  # noqa: S104 - a container's port
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=None, help="backend worker processes (GRANIAN_WORKERS)")
    parser.add_argument("--no-migrate", action="store_true", help="skip the migrations (another container ran them)")
    args = parser.parse_args(argv)
    if args.command == "build":
        return build()
    if not args.no_migrate:
        migrate()  # under an advisory lock on PostgreSQL (alembic/env.py): containers starting together take turns
    serve(host=args.host, port=args.port, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
