"""The benchmark's anchor: the project's published marts written by hand in plain DuckDB SQL.

Usage::

    python scripts/benchmark_anchor.py RAW_PATH BUILD.duckdb SERVING.duckdb

No dbt and no tests: the seeds (every ``seeds/*.csv``, typed by the ``column_types`` of
``seeds/_seeds.yml``) are loaded into a new build database, ``scripts/benchmark_anchor.sql`` runs
there statement by statement, and its ``marts`` schema is copied into a new published file that
is renamed over SERVING, as the job publishes (docs/publishing.md). The few pieces of SQL that
follow a seed row by row (one column per metric_catalog metric, one formula per
measure_definitions row) or a dbt var are written here. scripts/benchmark.py times this beside
the scheduled job; scripts/compare_marts.py checks that it publishes the same figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import time
import uuid
from pathlib import Path

import duckdb
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_FILE = PROJECT_ROOT / "scripts" / "benchmark_anchor.sql"
LANDING_SOURCES = "models/staging/landing/_landing__sources.yml"  # the columns each landing CSV declares
# The header fields the SQL reads as f[1] .. f[5] (macros/landing/ping_header_fields.sql).
HEADER_PATHS = ("id", "uuid", "hostname", "recorded_at", "license_subscription_id")
# The user counts as sent, beside the catalog metrics (dq_unrecognized_values compares them).
USER_COUNT_FIELDS = (
    ("reported_billable_users", "license_billable_users"),
    ("reported_active_users", "active_user_count"),
)
# One SQL formula per measure_definitions.formula (models/intermediate/pings/int_instance_measure_values.sql).
FORMULAS = {
    "ratio": "cast({n} as double) / nullif({d}, 0)",
    "share_of_total": "cast({n} as double) / nullif({n} + {d}, 0)",
    "group_sum_ratio": "case when list_count({g}) > 0 then cast(list_sum({g}) as double) / nullif({d}, 0) end",
    "group_count_positive": (
        "case when list_count({g}) > 0 then cast(len(list_filter({g}, lambda x: x > 0)) as double) end"
    ),
}
NEXT_STEP_COLUMNS = (
    "next_color", "next_color_score_threshold", "next_color_score_threshold_inclusive", "limiting_measure",
    "limiting_measure_value", "limiting_measure_color", "limiting_measure_next_color", "limiting_measure_direction",
    "limiting_measure_threshold", "limiting_measure_threshold_inclusive", "limiting_measure_gap",
    "limiting_measure_numerator_gap", "score_if_limiting_measure_improves", "color_if_limiting_measure_improves",
    "next_step",
)  # fmt: skip
# The placeholders of explanation_phrases' step templates, each with its value.
NEXT_STEP_VALUES = (
    (
        "measure_label",
        "coalesce(limiting_measure_label, upper(limiting_measure[1]) || replace(limiting_measure[2:], '_', ' '))",
    ),
    ("measure_value", "fmt_at(limiting_measure_value, apart(limiting_measure_value, limiting_measure_threshold))"),
    ("bound", "measure_bound"),
    ("threshold", "fmt_at(limiting_measure_threshold, apart(limiting_measure_value, limiting_measure_threshold))"),
    ("use_case", "component"),
    ("color_after", "color_if_limiting_measure_improves"),
    (
        "score",
        "fmt_at(score, greatest(apart(score, next_color_score_threshold), "
        "apart(score, score_if_limiting_measure_improves)))",
    ),
    (
        "score_after",
        "fmt_at(score_if_limiting_measure_improves, greatest(apart(score_if_limiting_measure_improves, "
        "next_color_score_threshold), apart(score_if_limiting_measure_improves, score)))",
    ),
    ("next_color", "next_color"),
    ("score_bound", "score_bound"),
    (
        "score_threshold",
        "fmt_at(next_color_score_threshold, greatest(apart(score, next_color_score_threshold), "
        "apart(score_if_limiting_measure_improves, next_color_score_threshold)))",
    ),
    ("numerator_gap", "numerator_gap_phrase"),
)


def sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def load_seeds(con: duckdb.DuckDBPyConnection) -> None:
    """Every seeds/*.csv as a table of its name, typed as dbt types it."""
    config = yaml.safe_load((PROJECT_ROOT / "seeds" / "_seeds.yml").read_text(encoding="utf-8"))
    types = {seed["name"]: seed.get("config", {}).get("column_types", {}) for seed in config["seeds"]}
    for path in sorted((PROJECT_ROOT / "seeds").glob("*.csv")):
        pinned = types.get(path.stem, {}).items()
        struct = ", ".join(f"{sql_text(column)}: {sql_text(kind)}" for column, kind in pinned)
        reader = f"read_csv({sql_text(str(path))}, header = true, types = {{{struct}}})"
        con.execute(f"create table {path.stem} as select * from {reader}")


def render(con: duckdb.DuckDBPyConnection, raw_path: Path, build_id: str) -> str:
    """The SQL file with its placeholders filled from the seeds just loaded and dbt_project.yml."""
    project_vars = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    catalog = con.execute(
        "select metric, priority, payload_path, metric_group from metric_catalog order by metric, priority"
    ).fetchall()
    paths = list(HEADER_PATHS)
    for path in [path for _, path in USER_COUNT_FIELDS] + [path for _, _, path, _ in catalog]:
        if path not in paths:
            paths.append(path)
    metrics: dict[str, list[tuple[int, str]]] = {}
    groups: dict[str, list[str]] = {}
    for metric, priority, path, group in catalog:
        metrics.setdefault(metric, []).append((priority, f"try_bigint(f[{paths.index(path) + 1}])"))
        if group and metric not in groups.setdefault(group, []):
            groups[group].append(metric)
    # A metric's value is its first path's that is present and not negative (SPEC §3), and for a
    # metric with fallback paths, the priority of the path it came from (dq_metric_path_usage).
    metric_columns = [f"try_bigint(f[{paths.index(path) + 1}]) as {column}" for column, path in USER_COUNT_FIELDS]
    for metric, values in metrics.items():
        metric_columns.append(f'case {" ".join(f"when {v} >= 0 then {v}" for _, v in values)} end as "{metric}"')
        if len(values) > 1:
            cases = " ".join(f"when {v} >= 0 then {priority}" for priority, v in values)
            metric_columns.append(f'case {cases} end as "{metric}__path"')
    path_counts, path_rows = [], []
    for number, (metric, priority, path, _) in enumerate(catalog):
        supplied = f'"{metric}__path" = {priority}' if len(metrics[metric]) > 1 else f'"{metric}" is not null'
        path_counts.append(f'count(*) filter (where {supplied}) as "s{number}"')
        path_counts.append(f'count(*) filter (where "{metric}" is null) as "w{number}"')
        path_rows.append(
            f"struct_pack(metric := {sql_text(metric)}, priority := {priority}, payload_path := {sql_text(path)}, "
            f'pings_supplied := "s{number}", pings_without_value := "w{number}")'
        )
    values, denominators = [], []
    for measure, formula, numerator, denominator in con.execute(
        "select measure, formula, numerator, denominator from measure_definitions"
    ).fetchall():
        group = "[" + ", ".join(f'i."{metric}"' for metric in groups.get(numerator, [])) + "]"
        divisor = f'i."{denominator}"' if denominator else "null"
        expression = FORMULAS[formula].format(n=f'i."{numerator}"', d=divisor, g=group)
        values.append(f"when {sql_text(measure)} then {expression}")
        denominators.append(f"when {sql_text(measure)} then {divisor}")
    next_step = "template"
    for name, expression in NEXT_STEP_VALUES:
        next_step = f"replace({next_step}, '{{{name}}}', coalesce({expression}, ''))"
    ping_files = sorted(
        str(path) for path in (raw_path / "usage_pings").iterdir() if path.name.endswith((".ndjson", ".ndjson.gz"))
    )
    if not ping_files:
        raise SystemExit(f"no ping file in {raw_path / 'usage_pings'}")
    control_characters = []
    for source in yaml.safe_load((PROJECT_ROOT / LANDING_SOURCES).read_text(encoding="utf-8"))["sources"][0]["tables"]:
        if "landing_file" not in source.get("meta", {}):
            continue
        file_name, columns = source["meta"]["landing_file"], [column["name"] for column in source["columns"]]
        reader = f"read_csv({sql_text(str(raw_path / file_name))}, header = true, all_varchar = true) with ordinality"
        control_characters.append(
            f"select {sql_text(file_name)} as source_file, ordinality + 1 as line_number, column_name, cell_value "
            f"from (unpivot (select {', '.join(columns)}, ordinality from {reader}) on {', '.join(columns)} "
            f"into name column_name value cell_value) where regexp_matches(cell_value, '[\\x00-\\x1F\\x7F]')"
        )
    started = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    places = int(project_vars["explanation_decimal_places"])  # a sentence's numbers: these places, up to cap apart
    cap = places + int(project_vars["explanation_max_extra_decimal_places"])
    return SQL_FILE.read_text(encoding="utf-8").format(
        raw=str(raw_path).replace("'", "''"),
        ping_files="[" + ", ".join(sql_text(path) for path in ping_files) + "]",
        paths=", ".join(sql_text(f"$.{path}") for path in paths),
        metric_columns=", ".join(metric_columns),
        path_counts=", ".join(path_counts),
        path_rows=", ".join(path_rows),
        control_characters="\n    union all\n    ".join(control_characters),
        measure_values=" ".join(values),
        measure_denominators=" ".join(denominators),
        earliest_ping_date=project_vars["earliest_ping_date"],
        future_cutoff=(started + dt.timedelta(hours=project_vars["future_ping_tolerance_hours"])).isoformat(sep=" "),
        saas_hostnames=", ".join(sql_text(name.lower()) for name in project_vars["saas_hostnames"]),
        unlabeled_instance_type=project_vars["unlabeled_instance_type"],
        places=project_vars["comparison_decimal_places"],
        explanation_places=places,
        thousands_separator=sql_text(project_vars["explanation_thousands_separator"]),
        fmt_cases=" ".join(f"when {k} then grouped(cast(x as decimal(38, {k})))" for k in range(places, cap + 1)),
        apart_cases=" ".join(
            f"when cast(a as decimal(38, {k})) <> cast(b as decimal(38, {k})) then {k}" for k in range(places, cap)
        ),
        apart_cap=cap,
        next_step=next_step,
        next_step_columns=", ".join(f"h.{column}" for column in NEXT_STEP_COLUMNS),
        # An account's data gap (issue 24) leads its next step.
        account_next_step_columns=", ".join(
            [f"h.{column}" for column in NEXT_STEP_COLUMNS[:-1]]
            + [
                "case when d.is_data_gap then d.step || coalesce(' ' || h.next_step, '')"
                " else h.next_step end as next_step"
            ]
        ),
        build_id=build_id,
        first_open_month=(started - dt.timedelta(days=float(project_vars["month_complete_grace_days"]))).strftime(
            "%Y-%m-01"
        ),
    )


def publish(con: duckdb.DuckDBPyConnection, serving: Path) -> None:
    """Every table of `marts` into a new file renamed over `serving` (DuckDB 1.x readable, as the job's)."""
    staged = serving.with_name(f"{serving.name}.new")
    staged.unlink(missing_ok=True)
    con.execute(f"attach {sql_text(str(staged))} as serving (storage_version 'v1.0.0')")
    con.execute("create schema serving.marts")
    tables = con.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' and database_name = current_database()"
    ).fetchall()
    for (table,) in tables:
        con.execute(f"create table serving.marts.{table} as select * from marts.{table}")
    con.execute("detach serving")
    os.replace(staged, serving)


def run(raw_path: Path, database: Path, serving: Path) -> dict[str, float]:
    """Build into a new `database`, publish to `serving`; seconds per statement, by the table it creates."""
    database.unlink(missing_ok=True)
    seconds: dict[str, float] = {}
    with duckdb.connect(str(database)) as con:
        con.execute(f"set memory_limit = {sql_text(os.environ.get('DBT_DUCKDB_MEMORY_LIMIT', '2560MB'))}")
        con.execute("set TimeZone = 'UTC'")
        began = time.perf_counter()
        load_seeds(con)
        seconds["(seeds)"] = time.perf_counter() - began
        for statement in render(con, raw_path, str(uuid.uuid4())).split(";\n"):
            if not statement.strip():
                continue
            began = time.perf_counter()
            con.execute(statement)
            name = re.search(r"create (?:temp macro|table|schema) ([\w.]+)", statement)
            label = name.group(1) if name else "(other)"
            seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - began
        began = time.perf_counter()
        publish(con, serving)
        seconds["(publish)"] = time.perf_counter() - began
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_path", type=Path, help="landing zone (SPEC §2)")
    parser.add_argument("database", type=Path, help="build database (replaced)")
    parser.add_argument("serving", type=Path, help="published file (replaced)")
    args = parser.parse_args(argv)
    seconds = run(args.raw_path, args.database, args.serving)
    for label, spent in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"{label}\t{spent:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
