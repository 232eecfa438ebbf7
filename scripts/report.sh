#!/usr/bin/env bash
# Write the CSM report (docs/report.md) from the PUBLISHED set only: a static,
# self-contained HTML site (Account Landscape, a CSM Portfolio per CSM, a Customer
# 360 per account), CSV exports, and the README's KPI chart (PNG). It attaches the
# published file read-only from an in-memory connection, so it runs while a build
# runs. Arguments go to `python -m adoption.report` (--published, --out,
# --readme-chart, --no-readme-chart; --help). Prints the path of index.html last.
#   ADOPTION_SERVING_PATH  the published file (default data/adoption_serving.duckdb)
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"

python -m adoption.report "$@"
