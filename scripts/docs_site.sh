#!/usr/bin/env bash
# Write the project's docs site, one self-contained offline HTML file, from the
# PUBLISHED set: `dbt docs generate --static` on the read-only `serving`
# target (profiles.yml), so the catalog and every mart's page name the marts
# where BI tools read them (published.marts.<mart>, with their column types
# and comments), never `marts_build`, and the command neither opens the build
# database nor waits for, or slows, a build running beside it. Models that
# are not published are named where a build makes them
# (macros/generate_database_name.sql); their pages have no catalog.
# Prints the path of the HTML file.
#   ADOPTION_SERVING_PATH  the published file (default data/adoption_serving.duckdb)
#   DOCS_SITE_DIR          where to write it (default target/docs_site)
set -euo pipefail
source "$(dirname "$0")/lib/bootstrap.sh"

export DBT_TARGET=serving
export DBT_TARGET_PATH="${DOCS_SITE_DIR:-target/docs_site}"
# The docs read manifest.json: written whatever the caller's environment says.
export DBT_WRITE_JSON=true
# A parse of its own target directory (never the build's saved parse), then the
# docs from it: --no-compile, since compiling reads the build's relations.
dbt --quiet parse
dbt --quiet docs generate --static --no-compile
echo "$(cd "${DBT_TARGET_PATH}" && pwd)/static_index.html"
