#!/usr/bin/env bash
# Run every test: Python lint, then SQL lint beside pytest (which builds the project
# on generated landing zones, breaks seeds, reruns builds, and runs the dbt
# data and unit tests through `dbt build`). Extra arguments go to pytest.
set -euo pipefail
started=${SECONDS}
source "$(dirname "$0")/lib/bootstrap.sh"
echo "==> every test: about 19 minutes on a 2-core machine (pytest's part is most of it)" >&2
trap 'echo "==> tests took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s" >&2' EXIT

echo "==> ruff" >&2
ruff check scripts python_tests plugins adoption
ruff format --check scripts python_tests plugins adoption

# sqlfluff runs beside pytest, not before it: it uses one core for about half a minute, and
# pytest's two workers share out the rest. Its report is printed once pytest has ended.
echo "==> sqlfluff (dbt templater), beside pytest" >&2
lint_dir="$(mktemp -d)"
trap 'rm -rf "${lint_dir}"; echo "==> tests took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s" >&2' EXIT
(
    # Models read the metric catalog seed while compiling: load the seeds first.
    DBT_DUCKDB_PATH="${lint_dir}/lint.duckdb" dbt seed --quiet > /dev/null &&
        DBT_DUCKDB_PATH="${lint_dir}/lint.duckdb" ADOPTION_RAW_PATH="${lint_dir}" \
            sqlfluff lint models tests/marts tests/staging analyses
) > "${lint_dir}/sqlfluff.log" 2>&1 &
lint_pid=$!
trap 'kill "${lint_pid}" 2> /dev/null || true; rm -rf "${lint_dir}"; echo "==> tests took $(( (SECONDS - started) / 60 )) min $(( (SECONDS - started) % 60 )) s" >&2' EXIT

echo "==> pytest" >&2
# Two workers, one test file each at a time: a file's fixtures (its builds) are made once.
pytest_status=0
python -m pytest python_tests -n 2 --dist loadfile "$@" || pytest_status=$?

lint_status=0
wait "${lint_pid}" || lint_status=$?
echo "==> sqlfluff (dbt templater): exit code ${lint_status}" >&2
cat "${lint_dir}/sqlfluff.log"
if (( pytest_status != 0 || lint_status != 0 )); then
    echo "==> failed: pytest exit code ${pytest_status}, sqlfluff exit code ${lint_status}" >&2
    exit 1
fi
