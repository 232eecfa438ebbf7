#!/usr/bin/env bash
# The scheduled job (docs/daily.md): `dbt build --exclude-resource-type unit_test`, run
# only when something the build reads changed since the build that published the set BI
# tools read (a landing file, the project, a month closing, a future-stamped ping falling
# due). Otherwise it prints "nothing changed since build <build_id> ..." and leaves the
# published set as it is. Arguments go to `python -m adoption.daily` (--check, --help);
# arguments after `--` go to dbt.
#   ADOPTION_RAW_PATH, DBT_DUCKDB_PATH, ADOPTION_SERVING_PATH  as for dbt
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"

python -m adoption.daily "$@"
