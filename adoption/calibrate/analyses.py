"""The calibration analyses (analyses/calibration/*.sql), compiled by dbt and run on the published set.

dbt compiles them with the `serving` target (profiles.yml): refs resolve to `published.marts.<mart>`,
the published file attached read-only. dbt runs in a scratch target and log directory of its own
(never the project's target/, whose saved parse belongs to the scheduled build) and compiles only:
it runs no hook, takes no lock and never opens the build database. Each compiled query then runs
on an in-memory connection that attaches the published file read-only (adoption.published), so
neither a build holding the build database nor a reader holding the published file stops it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from adoption.published import CATALOG, connect

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# dbt's saved parse of the last compile, copied into each scratch target: a compile with the same
# published path and --months then parses in a few seconds instead of the whole project (dbt
# itself parses again whatever changed). Never the project's target/, which the build owns.
SAVED_PARSE = PROJECT_ROOT / ".calibrate" / "partial_parse.msgpack"
PACKAGE = "adoption_scoring"
FOLDER = Path("analyses") / "calibration"
# The order the analyses are printed and written in; any other analysis of the folder comes after.
ORDER = (
    "calibration_window",
    "measure_distributions",
    "color_shares",
    "reference_measure_distributions",
    "reference_agreement",
)


class CalibrationError(Exception):
    """The published set cannot be calibrated (missing file or marts), or dbt could not compile."""


@dataclass(frozen=True)
class Analysis:
    name: str
    sql: str
    marts: tuple[str, ...]  # the published marts it reads (its refs)


@dataclass(frozen=True)
class Result:
    name: str
    columns: list[str]
    rows: list[tuple]


def compile_analyses(published: Path, months: int | None) -> list[Analysis]:
    """The calibration analyses as dbt compiles them on the `serving` target over `published`."""
    with tempfile.TemporaryDirectory(prefix="adoption-calibrate-") as scratch:
        target = Path(scratch) / "target"
        target.mkdir()
        if SAVED_PARSE.is_file():
            shutil.copy(SAVED_PARSE, target / SAVED_PARSE.name)
        env = {
            **os.environ,
            "DBT_TARGET": "serving",
            "ADOPTION_SERVING_PATH": str(published.resolve()),
            "DBT_PROFILES_DIR": str(PROJECT_ROOT),
            "DBT_TARGET_PATH": str(target),
            "DBT_LOG_PATH": str(Path(scratch) / "logs"),
            "DBT_LOG_LEVEL_FILE": "none",
            # The manifest says which marts each analysis reads.
            "DBT_WRITE_JSON": "true",
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        args = [str(Path(sys.executable).parent / "dbt"), "--quiet", "compile", "--select", f"path:{FOLDER}"]
        if months is not None:
            args += ["--vars", json.dumps({"calibration_months": months})]
        proc = subprocess.run(args, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        if proc.returncode != 0:
            output = (proc.stdout + proc.stderr).strip()
            raise CalibrationError(f"dbt could not compile {FOLDER}/: {output.splitlines()[-1] if output else ''}")
        keep_saved_parse(target / SAVED_PARSE.name)
        manifest = json.loads((target / "manifest.json").read_text())
        analyses = []
        for node in manifest["nodes"].values():
            if node["resource_type"] != "analysis" or not node["original_file_path"].startswith(f"{FOLDER}/"):
                continue
            compiled = target / "compiled" / PACKAGE / node["original_file_path"]
            marts = tuple(sorted(dep.split(".")[-1] for dep in node["depends_on"]["nodes"]))
            analyses.append(Analysis(node["name"], compiled.read_text(), marts))
    rank = {name: index for index, name in enumerate(ORDER)}
    return sorted(analyses, key=lambda analysis: (rank.get(analysis.name, len(ORDER)), analysis.name))


def keep_saved_parse(saved: Path) -> None:
    """Put dbt's saved parse where the next compile finds it (a copy renamed into place: two
    calibrations at once each read a whole file)."""
    if not saved.is_file():
        return
    SAVED_PARSE.parent.mkdir(exist_ok=True)
    writing = SAVED_PARSE.with_name(f".{SAVED_PARSE.name}.{os.getpid()}")
    shutil.copy(saved, writing)
    os.replace(writing, SAVED_PARSE)


def published_marts(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where database_name = ? and schema_name = 'marts'", [CATALOG]
        ).fetchall()
    }


def run(published: Path, months: int | None) -> list[Result]:
    """Compile the analyses, then run each on the published set: its columns and rows."""
    if not published.is_file():
        raise CalibrationError(f"no published set at {published} (run `dbt build` or ./scripts/demo.sh first)")
    analyses = compile_analyses(published, months)
    con = connect(published)
    try:
        have = published_marts(con)
        missing = sorted({mart for analysis in analyses for mart in analysis.marts} - have)
        if missing:
            raise CalibrationError(
                f"the published set {published} has no {', '.join(missing)}: publish a build of this version first"
            )
        results = []
        for analysis in analyses:
            cursor = con.execute(analysis.sql)
            columns = [column[0] for column in cursor.description]
            results.append(Result(analysis.name, columns, cursor.fetchall()))
        return results
    finally:
        con.close()
