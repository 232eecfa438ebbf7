#!/usr/bin/env bash
# Set everything up on a fresh machine, generate the demo landing zone, run
# the main job (`dbt build` on DuckDB) and print a short summary.
#   ADOPTION_RAW_PATH  landing zone (default data/raw; generated when empty)
#   DBT_DUCKDB_PATH    build database (default data/adoption.duckdb)
#   ADOPTION_SERVING_PATH  the published marts BI tools read
#                      (default data/adoption_serving.duckdb)
#   DEMO_ACCOUNTS, DEMO_MONTHS  size of the generated demo (default 300 x 12)
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"

export ADOPTION_RAW_PATH="${ADOPTION_RAW_PATH:-data/raw}"
export DBT_DUCKDB_PATH="${DBT_DUCKDB_PATH:-data/adoption.duckdb}"
export ADOPTION_SERVING_PATH="${ADOPTION_SERVING_PATH:-data/adoption_serving.duckdb}"
# Recorded in publication_log when known.
export ADOPTION_GIT_COMMIT="${ADOPTION_GIT_COMMIT:-$(git rev-parse HEAD 2>/dev/null || true)}"
mkdir -p "$(dirname "${DBT_DUCKDB_PATH}")"

if ! compgen -G "${ADOPTION_RAW_PATH}/usage_pings/*.ndjson*" > /dev/null; then
    echo "==> generating demo landing zone in ${ADOPTION_RAW_PATH}" >&2
    python scripts/generate_landing_zone.py --out "${ADOPTION_RAW_PATH}" \
        --accounts "${DEMO_ACCOUNTS:-300}" --months "${DEMO_MONTHS:-12}" --seed 42 --quiet > /dev/null
fi

echo "==> dbt build (DuckDB: ${DBT_DUCKDB_PATH}, published to ${ADOPTION_SERVING_PATH})" >&2
dbt build --quiet
python scripts/summary.py
