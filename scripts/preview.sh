#!/usr/bin/env bash
# Preview a change of methodology seeds before it ships (docs/preview.md): put the
# candidate CSVs (each named as in seeds/, any subset) in a directory, then
#   ./scripts/preview.sh DIR
# builds, in a scratch location, the models the comparison needs with those seeds,
# from the published build's inputs (schema build_inputs of the published file),
# and reports which accounts' use-case colors, platform score and band would change,
# the reference accounts' agreement, and ARR by band, before and after (tables on
# screen, CSVs in data/preview/). It reads the published file read-only, never
# opens the build database and never publishes, so it runs while a build runs.
# Arguments go to `python -m adoption.preview` (--published, --out, --scratch; --help).
#   ADOPTION_SERVING_PATH  the published file (default data/adoption_serving.duckdb)
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"

python -m adoption.preview "$@"
