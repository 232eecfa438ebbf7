#!/usr/bin/env bash
# Sourced by the scripts in scripts/: creates .venv from requirements.lock
# (every package pinned with its hashes; ./scripts/lock.sh makes it from
# requirements.txt and requirements-engines.txt) on first use, rebuilds it
# from scratch when the lock changes, and puts it on PATH. Needs only a
# Python 3.11 interpreter (PYTHON, else python3.11/python3).
set -euo pipefail

PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${PROJECT_ROOT}/.venv"
LOCK="${PROJECT_ROOT}/requirements.lock"
STAMP="${VENV}/.requirements.sha256"
WANTED="$(sha256sum "${LOCK}" | cut -d' ' -f1)"

if [[ ! -x "${VENV}/bin/python" || "$(cat "${STAMP}" 2>/dev/null)" != "${WANTED}" ]]; then
    python_bin="${PYTHON:-$(command -v python3.11 || command -v python3)}"
    echo "==> setting up ${VENV} (requirements.lock; first run takes a few minutes)" >&2
    # --clear: the venv holds exactly the lock, nothing left over from an older one.
    "${python_bin}" -m venv --clear "${VENV}"
    # Every file is checked against the lock's hashes and nothing is resolved.
    # -qq prints errors only: on these machines pip's configuration adds two local
    # indexes that hold a few projects, and pip warns once for each locked package
    # they lack (about 100 lines). Hash checking makes them harmless.
    pip_install=("${VENV}/bin/python" -m pip install -qq --disable-pip-version-check
        --require-hashes --no-deps)
    # First the locked pip and setuptools (the venv comes with older ones), so that
    # the locked pip installs the rest and the locked setuptools builds pyspark,
    # whose sdist is built without isolation: no unpinned build download.
    "${pip_install[@]}" -r <(awk '/^[^[:space:]#]/ { keep = ($1 ~ /^(pip|setuptools)==/) } keep' "${LOCK}")
    "${pip_install[@]}" --no-build-isolation -r "${LOCK}"
    # --no-deps trusts the lock to be complete: check that it was.
    if ! broken="$("${VENV}/bin/python" -m pip check)"; then
        echo "${broken}" >&2
        exit 1
    fi
    echo "${WANTED}" > "${STAMP}"
fi

export PATH="${VENV}/bin:${PATH}"
export DBT_PROFILES_DIR="${PROJECT_ROOT}"
# dbt must not try to reach the internet (offline machines).
export DBT_SEND_ANONYMOUS_USAGE_STATS=false
cd "${PROJECT_ROOT}"
