"""The analyses' results as readable tables (stdout) and as one CSV file each."""

from __future__ import annotations

import csv
import os
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from adoption.calibrate.analyses import Result

# Columns that only order the rows: written to the CSV, not printed.
ORDER_SUFFIX = "_order"
# How a NULL reads in a printed table (a missing color is its own row: "no color").
NULL_TEXT = "-"
SIGNIFICANT_DIGITS = 4


class NotACalibration(Exception):
    """--out names something that is not a calibration output directory."""


def cell(column: str, value: Any) -> str:
    """A value as printed: shares as percents, money in whole dollars with separators, other
    numbers to SIGNIFICANT_DIGITS significant digits (integers in full)."""
    if value is None:
        return NULL_TEXT
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, date):
        return value.isoformat()
    if column.startswith(("pct_", "share_")):
        return f"{float(value):.1%}"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal) or column.endswith("arr"):
        return f"{float(value):,.0f}"
    if isinstance(value, float):
        return f"{value:,.{SIGNIFICANT_DIGITS}g}" if abs(value) < 10**SIGNIFICANT_DIGITS else f"{value:,.0f}"
    return str(value)


def table(result: Result, measure: str | None = None) -> str:
    """`result` as a text table, numbers right-aligned; only the rows of `measure` when given."""
    shown = [index for index, column in enumerate(result.columns) if not column.endswith(ORDER_SUFFIX)]
    rows = select_measure(result, measure)
    header = [result.columns[index] for index in shown]
    body = [[cell(result.columns[index], row[index]) for index in shown] for row in rows]
    numeric = [
        all(isinstance(row[index], int | float | Decimal) or row[index] is None for row in rows)
        and any(row[index] is not None for row in rows)
        for index in shown
    ]
    widths = [max([len(header[i]), *(len(line[i]) for line in body)]) for i in range(len(header))]

    def line(values: list[str]) -> str:
        return "  ".join(
            value.rjust(width) if is_number else value.ljust(width)
            for value, width, is_number in zip(values, widths, numeric, strict=True)
        ).rstrip()

    lines = [line(header), line(["-" * width for width in widths]), *(line(values) for values in body)]
    if not body:
        lines.append("(no rows)")
    return "\n".join(lines)


def select_measure(result: Result, measure: str | None) -> list[tuple]:
    """The rows about `measure` (its `measure` or `subject` column); every row of a result with neither."""
    if measure is None:
        return result.rows
    for column in ("measure", "subject"):
        if column in result.columns:
            index = result.columns.index(column)
            return [row for row in result.rows if row[index] == measure]
    return result.rows


def csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    return value


def write_csvs(results: list[Result], out: Path) -> list[Path]:
    """One `<analysis>.csv` per result, written to a directory beside `out`, then renamed into
    its place: a reader never sees half of a calibration, nor files of an older one."""
    if out.exists() and not (out.is_dir() and all(entry.suffix == ".csv" for entry in out.iterdir())):
        raise NotACalibration(f"{out} exists and holds more than calibration CSV files: choose another --out")
    out.parent.mkdir(parents=True, exist_ok=True)
    writing = out.parent / f".{out.name}.writing-{os.getpid()}"
    old = out.parent / f".{out.name}.previous-{os.getpid()}"
    shutil.rmtree(writing, ignore_errors=True)
    writing.mkdir()
    try:
        for result in results:
            with (writing / f"{result.name}.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(result.columns)
                writer.writerows([csv_value(value) for value in row] for row in result.rows)
        if out.exists():
            out.rename(old)
        writing.rename(out)
    finally:
        shutil.rmtree(writing, ignore_errors=True)
        shutil.rmtree(old, ignore_errors=True)
    return [out / f"{result.name}.csv" for result in results]
