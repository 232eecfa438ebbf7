"""`python -m adoption.calibrate`: measure distributions and color shares from the published set
(docs/calibration.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from adoption.calibrate import output
from adoption.calibrate.analyses import CalibrationError, run
from adoption.published import default_path

DEFAULT_OUT = Path("data/calibration")
TITLES = {
    "calibration_window": "The window: complete months read",
    "measure_distributions": "Measure distributions (account values), overall, by sales segment and delivery type",
    "color_shares": "Account-months and ARR in each color under the current thresholds (-: no color)",
    "reference_measure_distributions": "Reference accounts: their use case's measures, by expected color",
    "reference_agreement": "Reference accounts: share agreeing per use case (latest complete month)",
}


def positive(text: str) -> int:
    months = int(text)
    if months < 1:
        raise argparse.ArgumentTypeError(f"{text}: not a number of months of 1 or more")
    return months


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m adoption.calibrate",
        description="Print and write (CSV) each measure's distribution and the share of account-months and ARR "
        "in each color, from the published set of marts, to calibrate the methodology's thresholds.",
    )
    parser.add_argument(
        "--published",
        type=Path,
        default=None,
        help="the published DuckDB file (default: $ADOPTION_SERVING_PATH, else data/adoption_serving.duckdb)",
    )
    parser.add_argument(
        "--months",
        type=positive,
        default=None,
        help="the window: the latest N complete months (default: the var calibration_months of dbt_project.yml)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"where to write the CSVs (default: {DEFAULT_OUT})"
    )
    parser.add_argument("--measure", default=None, help="print the rows of this measure only (the CSVs hold all)")
    args = parser.parse_args(argv)
    published = args.published or default_path()
    try:
        results = run(published, args.months)
        if args.measure is not None and not any(
            args.measure in {row[result.columns.index("measure")] for row in result.rows}
            for result in results
            if "measure" in result.columns
        ):
            raise CalibrationError(f"no measure {args.measure} in the published set")
        paths = output.write_csvs(results, args.out)
    except (CalibrationError, output.NotACalibration, duckdb.Error) as error:
        print(f"adoption.calibrate: {str(error).splitlines()[0]}", file=sys.stderr)
        return 2
    for result in results:
        print(f"== {TITLES.get(result.name, result.name)} ({result.name}.csv)")
        print(output.table(result, args.measure))
        print()
    print(f"{len(paths)} CSV files in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
