"""`python -m adoption.report`: write the CSM report from the published set (docs/report.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from adoption.published import default_path
from adoption.report.render import NotAReport, Report

DEFAULT_OUT = Path("data/report")
DEFAULT_README_CHART = Path("docs/images/arr_by_adoption_band.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m adoption.report",
        description="Write the CSM report (a static HTML site and CSV exports) from the published set of marts.",
    )
    parser.add_argument(
        "--published",
        type=Path,
        default=None,
        help="the published DuckDB file (default: $ADOPTION_SERVING_PATH, else data/adoption_serving.duckdb)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"where to write it (default: {DEFAULT_OUT})")
    chart = parser.add_mutually_exclusive_group()
    chart.add_argument(
        "--readme-chart",
        type=Path,
        default=DEFAULT_README_CHART,
        help=f"where to write the KPI chart as PNG for the README (default: {DEFAULT_README_CHART})",
    )
    chart.add_argument("--no-readme-chart", action="store_true", help="do not write the README's PNG")
    args = parser.parse_args(argv)
    published = args.published or default_path()
    try:
        summary = Report(published, args.out, None if args.no_readme_chart else args.readme_chart).write()
    except (FileNotFoundError, LookupError, NotAReport) as error:
        print(f"adoption.report: {error}", file=sys.stderr)
        return 1
    print(
        f"CSM report of {published}: {summary.accounts} Customer 360 pages, {summary.csm_pages} CSM pages, "
        f"{len(summary.exports)} CSV exports in {summary.seconds:.1f} s"
        + (f"; README chart {summary.readme_chart}" if summary.readme_chart else ""),
        file=sys.stderr,
    )
    print(summary.index.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
