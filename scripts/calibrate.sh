#!/usr/bin/env bash
# Calibrate the methodology's thresholds (docs/calibration.md) from the
# PUBLISHED set only: each measure's distribution of account values (overall,
# by sales segment, by delivery type), the share of account-months and ARR in
# each color under the current thresholds, and the same for the CSM-confirmed
# reference accounts, over the latest complete months. dbt compiles
# analyses/calibration/ with the read-only `serving` target in a scratch
# directory; the queries run on an in-memory connection attaching the
# published file read-only, so it runs while a build runs. Arguments go to
# `python -m adoption.calibrate` (--published, --months, --out, --measure;
# --help). Prints a table per analysis and writes one CSV each (data/calibration/).
#   ADOPTION_SERVING_PATH  the published file (default data/adoption_serving.duckdb)
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"

python -m adoption.calibrate "$@"
