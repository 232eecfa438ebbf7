#!/usr/bin/env bash
# Sourced by the scripts in scripts/: creates .venv with the pinned
# requirements (requirements.txt and requirements-engines.txt) on first use
# (or when either changes) and puts it on PATH. Needs only a Python 3.11
# interpreter (PYTHON, else python3.11/python3).
set -euo pipefail

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${PROJECT_ROOT}/.venv"
STAMP="${VENV}/.requirements.sha256"
WANTED="$(cat "${PROJECT_ROOT}"/requirements*.txt | sha256sum | cut -d' ' -f1)"

if [[ ! -x "${VENV}/bin/python" || "$(cat "${STAMP}" 2>/dev/null)" != "${WANTED}" ]]; then
    python_bin="${PYTHON:-$(command -v python3.11 || command -v python3)}"
    echo "==> setting up ${VENV} (pinned requirements; first run takes a few minutes)" >&2
    "${python_bin}" -m venv "${VENV}"
    "${VENV}/bin/pip" install --quiet --disable-pip-version-check --upgrade pip >&2
    # One resolve of both sets: DuckDB's, and the PostgreSQL and Spark adapters.
    "${VENV}/bin/pip" install --quiet --disable-pip-version-check \
        -r "${PROJECT_ROOT}/requirements.txt" -r "${PROJECT_ROOT}/requirements-engines.txt" >&2
    echo "${WANTED}" > "${STAMP}"
fi

export PATH="${VENV}/bin:${PATH}"
export DBT_PROFILES_DIR="${PROJECT_ROOT}"
# dbt must not try to reach the internet (offline machines).
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
cd "${PROJECT_ROOT}"
