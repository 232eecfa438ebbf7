"""A landing CSV that mixes CRLF and LF line endings (a spreadsheet export appended to by a
script) is read on DuckDB with the values the PostgreSQL loader reads: no stray carriage
return in the last column, every row on its own line number.

(The engine comparison, engines.reference_build, also lands such an instances.csv and
builds every mart from it on DuckDB, PostgreSQL and Spark.)
"""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import PROJECT_ROOT, Workplace, generate_landing_zone, query, run_dbt

sys.path.insert(0, str(PROJECT_ROOT / "scripts"))
import load_landing_zone as loader


def mix_line_endings(path: Path) -> None:
    """Rewrite `path` with CRLF after the header and every other row, LF elsewhere, an
    empty last column on one row, and a final CRLF."""
    lines = path.read_bytes().decode("utf-8").splitlines()
    assert len(lines) >= 4, f"{path.name} needs rows to mix line endings"
    header, *rows = lines
    rows[1] = ",".join(rows[1].split(",")[:-1] + [""])  # labeled_at empty: the last column
    endings = ["\r\n" if index % 2 == 0 else "\n" for index in range(len(rows))]
    endings[-1] = "\r\n"
    path.write_bytes((header + "\r\n" + "".join(row + end for row, end in zip(rows, endings, strict=True))).encode())


def test_mixed_line_endings_read_as_the_postgres_loader_reads_them(tmp_path: Path, workplace: Workplace) -> None:
    raw_path = generate_landing_zone(tmp_path / "raw", accounts=6, months=2, seed=5, start_month="2025-01")
    mix_line_endings(raw_path / "instances.csv")
    data = (raw_path / "instances.csv").read_bytes()
    assert b"\r\n" in data and b"\n" in data.replace(b"\r\n", b""), "the file must mix CRLF and LF"

    _, database = workplace.restore()
    # The on-run-start hook writes raw.instances; building its staging view (and the seed it
    # reads) reads it, and runs the landing tests of the file.
    selection = ["--select", "+stg_landing__instance_labels", "--indirect-selection", "cautious"]
    result = run_dbt(["build", *selection], raw_path, database)
    assert result.ok, result.output[-5000:]

    (instances,) = (landing for landing in loader.landing_csvs() if landing.table == "instances")
    columns = ", ".join(instances.columns)
    duckdb_rows = query(database, f"select {columns}, line_number from raw.instances order by line_number")
    # The loader keeps an empty cell as '' and DuckDB as NULL; staging reads both as blank.
    loader_rows = [
        tuple(None if value == "" else value for value in row) for row in loader.read_landing_csv(raw_path, instances)
    ]
    assert duckdb_rows == loader_rows
    assert not [row for row in duckdb_rows if any("\r" in str(value) for value in row)]
