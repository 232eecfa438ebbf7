#!/usr/bin/env bash
# Run every test: Python lint, SQL lint, then pytest (which builds the project
# on generated landing zones, breaks seeds, reruns builds, and runs the dbt
# data and unit tests through `dbt build`). Extra arguments go to pytest.
set -euo pipefail
started=${SECONDS}
source "$(dirname "$0")/lib/bootstrap.sh"
echo "==> every test: about 12 minutes on a quiet 2-core machine (pytest's part is most of it)" >&2
trap 'echo "==> tests took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s" >&2' EXIT

echo "==> ruff" >&2
ruff check scripts python_tests plugins
ruff format --check scripts python_tests plugins

echo "==> sqlfluff (dbt templater)" >&2
lint_dir="$(mktemp -d)"
trap 'rm -rf "${lint_dir}"; echo "==> tests took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s" >&2' EXIT
# Models read the metric catalog seed while compiling: load the seeds first.
DBT_DUCKDB_PATH="${lint_dir}/lint.duckdb" dbt seed --quiet > /dev/null
DBT_DUCKDB_PATH="${lint_dir}/lint.duckdb" ADOPTION_RAW_PATH="${lint_dir}" sqlfluff lint models tests/marts tests/staging

echo "==> pytest" >&2
# Two workers, one test file each at a time: a file's fixtures (its builds) are made once.
python -m pytest python_tests -n 2 --dist loadfile "$@"
