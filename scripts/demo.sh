#!/usr/bin/env bash
# Set everything up on a fresh machine, generate the demo landing zone, run
# the main job (`dbt build` on DuckDB), print a short summary, write the CSM
# report and the dbt docs site, then print where the docs site is and, last,
# where the report is.
#   ADOPTION_RAW_PATH  landing zone (default data/raw; generated when empty)
#   DBT_DUCKDB_PATH    build database (default data/adoption.duckdb)
#   ADOPTION_SERVING_PATH  the published marts BI tools read
#                      (default data/adoption_serving.duckdb)
#   DEMO_ACCOUNTS, DEMO_MONTHS  size of the generated demo (default 300 x 12); when
#                      set, a generated zone of another size is generated again
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"

export ADOPTION_RAW_PATH="${ADOPTION_RAW_PATH:-data/raw}"
export DBT_DUCKDB_PATH="${DBT_DUCKDB_PATH:-data/adoption.duckdb}"
export ADOPTION_SERVING_PATH="${ADOPTION_SERVING_PATH:-data/adoption_serving.duckdb}"
# Recorded in publication_log when known.
export ADOPTION_GIT_COMMIT="${ADOPTION_GIT_COMMIT:-$(git rev-parse HEAD 2>/dev/null || true)}"
mkdir -p "$(dirname "${DBT_DUCKDB_PATH}")"

accounts="${DEMO_ACCOUNTS:-300}"
months="${DEMO_MONTHS:-12}"
zone_manifest="${ADOPTION_RAW_PATH}/_manifest.json"
# The size of the generated zone already there ("" when there is none or it was not generated).
existing_size="$(python -c 'import json, sys
try:
    m = json.load(open(sys.argv[1]))
    print(m["accounts"], len(m["months"]))
except (OSError, ValueError, KeyError):
    pass' "${zone_manifest}")"

existing_accounts="${existing_size% *}"
existing_months="${existing_size#* }"
resize=""
if [[ -n "${existing_size}" ]]; then
    [[ -n "${DEMO_ACCOUNTS:-}" && "${DEMO_ACCOUNTS}" != "${existing_accounts}" ]] && resize=1
    [[ -n "${DEMO_MONTHS:-}" && "${DEMO_MONTHS}" != "${existing_months}" ]] && resize=1
    # The size asked for, where not asked: the zone's own.
    accounts="${DEMO_ACCOUNTS:-${existing_accounts}}"
    months="${DEMO_MONTHS:-${existing_months}}"
fi

if ! compgen -G "${ADOPTION_RAW_PATH}/usage_pings/*.ndjson*" > /dev/null || [[ -n "${resize}" ]]; then
    echo "==> generating demo landing zone in ${ADOPTION_RAW_PATH} (${accounts} accounts x ${months} months)" >&2
    python scripts/generate_landing_zone.py --out "${ADOPTION_RAW_PATH}" \
        --accounts "${accounts}" --months "${months}" --seed 42 --quiet > /dev/null
elif [[ -n "${existing_size}" ]]; then
    echo "==> reusing the demo landing zone in ${ADOPTION_RAW_PATH}" \
        "(${existing_accounts} accounts x ${existing_months} months; DEMO_ACCOUNTS / DEMO_MONTHS resize it)" >&2
elif [[ -n "${DEMO_ACCOUNTS:-}${DEMO_MONTHS:-}" ]]; then
    echo "demo.sh: ${ADOPTION_RAW_PATH} is not a generated demo zone (no _manifest.json);" \
        "DEMO_ACCOUNTS and DEMO_MONTHS size generated zones only. Unset them or point ADOPTION_RAW_PATH elsewhere." >&2
    exit 2
else
    echo "==> using the landing zone in ${ADOPTION_RAW_PATH}" >&2
fi

echo "==> dbt build (DuckDB: ${DBT_DUCKDB_PATH}, published to ${ADOPTION_SERVING_PATH})" >&2
# One progress line every few seconds, every problem in full (the whole log: logs/dbt.log).
set -o pipefail
# A zone generated again at another size is another data set on purpose: its
# publication may shrink the published one, which the publication guards would
# refuse (docs/publishing.md#publication-guards); the demo accepts that, once.
accept=()
if [[ -n "${resize}" ]]; then
    echo "==> a new demo data set replaces the published one (accept_publication_changes: all)" >&2
    accept=(--vars '{accept_publication_changes: all}')
fi
dbt build "${accept[@]}" | python scripts/lib/dbt_progress.py
python scripts/summary.py
echo "==> the CSM report (from the published set: scripts/report.sh)" >&2
report="$(./scripts/report.sh | tail -n 1)"
echo "==> the docs site (dbt docs generate --static on the published set: scripts/docs_site.sh)" >&2
docs_site="$(./scripts/docs_site.sh)"
echo
echo "Docs site (models, marts where BI reads them, metrics, exposures, lineage; opens offline): ${docs_site}"
echo "CSM report (Account Landscape, CSM Portfolio, Customer 360, CSV exports; opens offline): ${report}"
