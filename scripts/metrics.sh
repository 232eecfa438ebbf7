#!/usr/bin/env bash
# Ask the semantic layer's governed metrics (docs/metrics.md) over the
# PUBLISHED set: MetricFlow's `mf` with the read-only `serving` target (or
# `serving_postgres`: set DBT_TARGET), never the build database.
#
#   ./scripts/metrics.sh query --saved-query monthly_kpi --order metric_time__month
#   ./scripts/metrics.sh list metrics
#   ./scripts/metrics.sh validate-configs
#
# mf reads <project>/target/semantic_manifest.json, a path it does not let one
# change, and the scheduled job's `dbt build` rewrites that file naming the
# build locations (and its saved parse). So mf runs from a directory of its
# own, .metricflow/<target>/, holding links to the project and its own
# target/: a build never changes what mf reads, and mf's parse never costs the
# build its saved parse. Each call parses there first (a second or two when
# nothing changed), so an edited metric is always the one asked.
#   ADOPTION_SERVING_PATH  the published file (default data/adoption_serving.duckdb)
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"

export DBT_TARGET="${DBT_TARGET:-serving}"
if [[ "${DBT_TARGET}" != serving* ]]; then
    echo "metrics.sh: DBT_TARGET=${DBT_TARGET}: metrics read the published set, through a serving* target (profiles.yml)" >&2
    exit 2
fi
# mf runs from another directory: the published file's path must not be relative.
export ADOPTION_SERVING_PATH="$(realpath -m "${ADOPTION_SERVING_PATH:-data/adoption_serving.duckdb}")"
unset DBT_TARGET_PATH DBT_LOG_PATH

view=".metricflow/${DBT_TARGET}"
mkdir -p "${view}"
for entry in dbt_project.yml profiles.yml selectors.yml models macros seeds tests analyses snapshots; do
    [[ -e "${entry}" ]] && ln -sfn "${PWD}/${entry}" "${view}/${entry}"
done
cd "${view}"
dbt --quiet parse
exec mf "$@"
