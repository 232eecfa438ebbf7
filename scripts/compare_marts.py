"""Compare two published DuckDB sets mart by mart: same marts, same columns and types,
same rows (every column but `build_id`, which differs between builds by design).

    python scripts/compare_marts.py BEFORE_SERVING.duckdb AFTER_SERVING.duckdb

Prints one line per mart and, for a mart that differs, a few rows only one side holds.
Exit code 0 when every mart is the same, 1 otherwise. `publication_log` is left out: it
describes the build, not the data; so is every mart named by `--skip` (say, the history marts,
which hold earlier publications, when two sequences of builds are compared).
"""

from __future__ import annotations

import argparse
import sys

import duckdb

SCHEMA = "marts"
SKIPPED = {"publication_log"}


def marts(con: duckdb.DuckDBPyConnection, alias: str, skipped: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Each mart of one attached set with its (column, type) list, in table order."""
    rows = con.execute(
        "select table_name, column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? order by table_name, ordinal_position",
        [alias, SCHEMA],
    ).fetchall()
    found: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        if table not in SKIPPED | skipped:
            found.setdefault(table, []).append((column, data_type))
    return found


def compare(before: str, after: str, shown: int, skipped: set[str] = frozenset()) -> bool:
    con = duckdb.connect()
    con.execute("attach ? as before_set (read_only)", [before])
    con.execute("attach ? as after_set (read_only)", [after])
    old, new = marts(con, "before_set", skipped), marts(con, "after_set", skipped)
    same = True
    for table in sorted(old.keys() | new.keys()):
        if table not in old or table not in new:
            print(f"{table}: only in {'after' if table in new else 'before'}")
            same = False
            continue
        if old[table] != new[table]:
            print(f"{table}: columns differ\n  before {old[table]}\n  after  {new[table]}")
            same = False
            continue
        columns = ", ".join(f'"{name}"' for name, _ in old[table] if name != "build_id")
        differences = []
        for label, left, right in (
            ("before only", "before_set", "after_set"),
            ("after only", "after_set", "before_set"),
        ):
            query = (
                f'select {columns} from {left}.{SCHEMA}."{table}" '
                f'except all select {columns} from {right}.{SCHEMA}."{table}"'
            )
            count = con.execute(f"select count(*) from ({query})").fetchone()[0]
            if count:
                differences.append((label, count, con.execute(f"{query} limit {shown}").fetchall()))
        rows = con.execute(f'select count(*) from before_set.{SCHEMA}."{table}"').fetchone()[0]
        if not differences:
            print(f"{table}: same ({rows:,} rows)")
            continue
        same = False
        print(f"{table}: differs")
        for label, count, sample in differences:
            print(f"  {count:,} rows {label}, e.g.:")
            for row in sample:
                print(f"    {row}")
    return same


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", help="published DuckDB file (the reference)")
    parser.add_argument("after", help="published DuckDB file to compare with it")
    parser.add_argument("--rows", type=int, default=3, help="rows shown per difference (default 3)")
    parser.add_argument("--skip", action="append", default=[], metavar="MART", help="leave this mart out (repeatable)")
    args = parser.parse_args(argv)
    return 0 if compare(args.before, args.after, args.rows, set(args.skip)) else 1


if __name__ == "__main__":
    sys.exit(main())
