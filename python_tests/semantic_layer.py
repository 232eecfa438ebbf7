"""`mf` (MetricFlow's CLI) driven as a BI user drives it, for the semantic-layer tests
(test_semantic_layer.py on DuckDB, test_engines_postgres.py): parse, validate, query to CSV,
and compare with the same figures computed in SQL on the published marts.

`mf_batch` runs several `mf` command lines through the CLI's own entry point in one Python
process: each separate `mf` process pays about 8 s of start-up (imports, the dbt project and
its adapter) for a query that takes a fraction of a second."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
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

    def mf_batch(self, commands: dict[str, list[str]], outputs: Path) -> dict[str, subprocess.CompletedProcess]:
        """Each command line of `commands` run as `mf <args>` would run it (the CLI's entry point,
        a fresh CLI context each), one after another in one process; {name: its exit code and its
        output (stdout and stderr, in `outputs/<name>.log`)}."""
        outputs.mkdir(parents=True, exist_ok=True)
        batch = [(args, str(outputs / f"{name}.log")) for name, args in commands.items()]
        proc = subprocess.run(
            [sys.executable, "-c", MF_BATCH, json.dumps(batch), str(outputs / "exit_codes.json")],
            cwd=self.project,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300 + 60 * len(batch),
        )
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        codes = json.loads((outputs / "exit_codes.json").read_text())
        return {
            name: subprocess.CompletedProcess(["mf", *args], code, (outputs / f"{name}.log").read_text(), "")
            for (name, args), code in zip(commands.items(), codes, strict=True)
        }


# Run by `mf_batch`: for each (arguments, output file) of a JSON list, `mf <arguments>` through the
# entry point of the `mf` script (click in standalone mode: it ends in SystemExit with the exit
# code), its stdout and stderr (file descriptors 1 and 2: the CLI's spinner writes to the
# original stdout) into the output file; then writes the exit codes, a JSON list, to the file
# named second (its stdout is not theirs: the spinner prints blank lines as the process ends).
MF_BATCH = """
import json, os, sys, traceback
from dbt_metricflow.cli.main import cli
sys.argv[0] = "mf"
codes = []
for args, output in json.loads(sys.argv[1]):
    sys.stdout.flush(); sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(output, "w") as log:
        os.dup2(log.fileno(), 1); os.dup2(log.fileno(), 2)
        try:
            cli.main(args=args, prog_name="mf")
            code = 0
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        except Exception:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush(); sys.stderr.flush()
            os.dup2(saved[0], 1); os.dup2(saved[1], 2)
            os.close(saved[0]); os.close(saved[1])
    codes.append(code)
with open(sys.argv[2], "w") as out:
    json.dump(codes, out)
"""


def read_query_csv(out: Path, metrics: list[str], groups: list[str] | None = None) -> dict[tuple, tuple]:
    """The rows of `mf query --csv out`, as {group values: metric values}: the groups in the order of
    `groups` (default: the order mf gives them), the metrics in the order of `metrics`."""
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
