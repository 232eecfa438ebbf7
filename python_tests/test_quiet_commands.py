"""Commands that can never publish say nothing about publishing, and skip the hooks' work they do
not need (macros/publication/commands.sql): `dbt docs generate` (and `dbt compile`, which it runs)
reads no landing data, runs no landing check and takes no build lock; `dbt source freshness` reads
the landing zone as it is now but runs no landing check. `dbt run` keeps every guarantee.

Each test starts from a copy of the shared generated build, made broken where a landing check
would look: a command that still ran the checks would fail.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import subprocess
from pathlib import Path

import duckdb
from conftest import (
    QUIET_DBT,
    WITH_ARTIFACTS,
    Build,
    Workplace,
    copy_project,
    published_digest,
    run_dbt,
    serving_path,
)

PUBLISHING = re.compile(r"publish", re.IGNORECASE)


def target_dir(database: Path) -> Path:
    """dbt's target directory for a build database (conftest.dbt_env)."""
    return database.parent / f"target_{database.stem}"


def test_docs_generate_reads_no_landing_data_and_says_nothing_of_publishing(
    generated_build: Build, workplace: Workplace, tmp_path: Path
) -> None:
    _, database = workplace.restore(database=generated_build.database)
    # The landing relations the last build left, now with every account twice: the landing checks
    # (landing_unique on account_id) would stop any command that ran them.
    with duckdb.connect(str(database)) as con:
        con.execute("alter view raw.accounts rename to accounts_as_landed")
        con.execute(
            "create view raw.accounts as "
            "select * from raw.accounts_as_landed union all select * from raw.accounts_as_landed"
        )
    site = target_dir(database) / "static_index.html"
    site.unlink(missing_ok=True)
    before = published_digest(database)

    # A landing zone that is not there: docs generate must not need one.
    result = run_dbt(["docs", "generate", "--static"], tmp_path / "no_landing_zone", database)

    assert result.ok, result.output[-5000:]
    assert not PUBLISHING.search(result.output), result.output[-3000:]
    assert published_digest(database) == before
    html = site.read_text(encoding="utf-8")
    # One offline page holding the overview and the exposures.
    assert "Where you start" in html
    assert "csm_report" in html and "data_quality_dashboard" in html


def test_source_freshness_reads_the_zone_as_it_is_but_runs_no_landing_check(
    generated_build: Build, workplace: Workplace
) -> None:
    zone, database = workplace.restore(generated_build.raw_path, generated_build.database)
    # accounts.csv with its first account twice: a landing check fails on this zone.
    accounts = zone / "accounts.csv"
    lines = accounts.read_text(encoding="utf-8").splitlines()
    accounts.write_text("\n".join([*lines, lines[1]]) + "\n", encoding="utf-8")
    # A ping file the last build never saw, with the newest recorded_at of the zone (the generator
    # writes future-dated bad records up to 2099).
    newest = datetime.datetime(2999, 1, 1, 12, 0, tzinfo=datetime.UTC)
    ping = {"id": "freshness-probe", "uuid": "freshness-probe", "recorded_at": newest.isoformat()}
    (zone / "usage_pings" / "2999-01.ndjson").write_text(json.dumps(ping) + "\n", encoding="utf-8")
    sources = target_dir(database) / "sources.json"
    sources.unlink(missing_ok=True)
    before = published_digest(database)

    result = run_dbt(["source", "freshness"], zone, database, extra_env=WITH_ARTIFACTS)

    assert result.ok, result.output[-5000:]
    assert not PUBLISHING.search(result.output), result.output[-3000:]
    assert published_digest(database) == before
    [usage_pings] = [r for r in json.loads(sources.read_text())["results"] if r["unique_id"].endswith(".usage_pings")]
    assert datetime.datetime.fromisoformat(usage_pings["max_loaded_at"]) == newest

    # The same zone stops a command that builds from landing data: the checks still run there.
    result = run_dbt(["run", "--select", "stg_landing__accounts"], zone, database)

    assert not result.ok
    assert "Invalid landing file accounts.csv (landing_unique account_id" in result.output, result.output[-3000:]
    # On a valid zone it builds, and still says why it published nothing (a user may expect it to).
    accounts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_dbt(["run", "--select", "stg_landing__accounts"], zone, database)

    assert result.ok, result.output[-5000:]
    assert "Nothing published: `dbt run` is not `dbt build`" in result.output, result.output[-3000:]
    assert published_digest(database) == before


def test_the_docs_site_shows_the_marts_where_bi_reads_them(generated_build: Build, tmp_path: Path) -> None:
    """scripts/docs_site.sh (the demo's docs site) builds on the read-only serving target: every
    mart's page names it in the published file, with the published columns and comments; the
    other models are named in the build database, which the command never opens."""
    project = copy_project(tmp_path / "project", runs_scripts=True)
    site = tmp_path / "site"
    env = {
        **os.environ,
        **QUIET_DBT,
        "DOCS_SITE_DIR": str(site),
        "ADOPTION_SERVING_PATH": str(serving_path(generated_build.database)),
        # Never opened: a path in a directory that does not exist.
        "DBT_DUCKDB_PATH": str(tmp_path / "no_such_directory" / "adoption.duckdb"),
    }
    env.pop("DBT_TARGET_PATH", None)
    made = subprocess.run(
        [str(project / "scripts" / "docs_site.sh")], cwd=project, env=env, capture_output=True, text=True
    )
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    assert made.stdout.strip().endswith(str(site / "static_index.html"))
    assert "Where you start" in (site / "static_index.html").read_text(encoding="utf-8")

    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    catalog = json.loads((site / "catalog.json").read_text(encoding="utf-8"))
    models = {key: node for key, node in manifest["nodes"].items() if node["resource_type"] == "model"}
    marts = {key: node for key, node in models.items() if node["fqn"][1] == "marts"}
    assert marts
    for key, node in marts.items():
        assert node["relation_name"] == f'"published"."marts"."{node["alias"]}"', node["relation_name"]
        assert catalog["nodes"][key]["metadata"]["comment"] == node["description"], key
    others = [
        node for node in manifest["nodes"].values() if node["resource_type"] == "model" and node not in marts.values()
    ]
    assert others and all(node["relation_name"].startswith('"adoption".') for node in others)
    assert set(catalog["nodes"]) == set(marts)
