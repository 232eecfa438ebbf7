"""`mf` (MetricFlow's CLI) driven as a BI user drives it, for the semantic-layer tests
(test_semantic_layer.py on DuckDB, test_engines_postgres.py): parse, validate, query to CSV,
and compare with the same figures computed in SQL on the published marts."""

from __future__ import annotations

import csv
import json
import math
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from conftest import BIN


@dataclass
class SemanticLayer:
    """A project directory and the environment of its `dbt parse` and `mf` processes."""

    project: Path
    env: dict[str, str]
    manifest: dict = field(default_factory=dict)

    def parse(self) -> dict:
        """`dbt parse` on the env's target; keeps and returns the semantic manifest, which `mf`
        reads from `<project>/target/` (it ignores DBT_TARGET_PATH: the env must point there)."""
        assert Path(self.env["DBT_TARGET_PATH"]) == self.project / "target", self.env["DBT_TARGET_PATH"]
        result = subprocess.run(
            [str(BIN / "dbt"), "parse"], cwd=self.project, env=self.env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout[-3000:]
        self.manifest = json.loads((self.project / "target" / "semantic_manifest.json").read_text(encoding="utf-8"))
        return self.manifest

    def mf(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(BIN / "mf"), *args], cwd=self.project, env=self.env, capture_output=True, text=True, timeout=300
        )

    def query(self, out: Path, metrics: list[str], *args: str, groups: list[str] | None = None) -> dict[tuple, tuple]:
        """`mf query <args> --csv out`, as {group values: metric values}: the groups in the order of
        `groups` (default: the order mf gives them), the metrics in the order of `metrics`."""
        result = self.mf("query", *args, "--csv", str(out))
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        return read_query_csv(out, metrics, groups)


def read_query_csv(out: Path, metrics: list[str], groups: list[str] | None = None) -> dict[tuple, tuple]:
    """The rows of `mf query --csv out`, as SemanticLayer.query returns them."""
    with out.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))
    groups = groups or [name for name in header if name not in metrics]
    assert sorted(header) == sorted(groups + metrics), header
    group_at = [header.index(name) for name in groups]
    metric_at = [header.index(name) for name in metrics]
    return {tuple(cell(row[at]) for at in group_at): tuple(cell(row[at]) for at in metric_at) for row in rows}


def cell(value):
    """A CSV cell or a SQL value, comparable: dates as ISO dates, numbers as floats, '' as None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, bool):
        return str(value).lower()
    text = str(value)
    if len(text) == 19 and text[4] == "-" and text.endswith(" 00:00:00"):
        return text[:10]
    try:
        return float(text)
    except ValueError:
        return text.lower() if text in ("True", "False") else text


def from_sql(rows: list[tuple], groups: int) -> dict[tuple, tuple]:
    return {tuple(map(cell, row[:groups])): tuple(map(cell, row[groups:])) for row in rows}


def assert_same(actual: dict[tuple, tuple], expected: dict[tuple, tuple]) -> None:
    assert expected, "the SQL found nothing: the comparison would prove nothing"
    assert sorted(actual, key=repr) == sorted(expected, key=repr)
    for key, values in expected.items():
        for got, want in zip(actual[key], values, strict=True):
            if isinstance(want, float) and got is not None:
                assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-6), (key, actual[key], values)
            else:
                assert got == want, (key, actual[key], values)
