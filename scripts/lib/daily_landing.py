"""The landing zone and the project as they change from one day to the next, for the daily cases
of scripts/benchmark.py (docs/performance.md, "The daily job").

The generator writes whole months; a day of pings is the lines of a month's file stamped that day
(`recorded_at`), appended to the month's file in the order the generator wrote them. A line with
no stamp in its file's month (malformed JSON, a missing, unparseable or future `recorded_at`) is
given the day of its position in the file, so that bad lines arrive through the month as well.

Each change kind edits one row of one input, the way a CSM, a CRM export or a methodology owner
would, and says what it changed.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

STAMP = re.compile(rb'"recorded_at"\s*:\s*"(\d{4})-(\d{2})-(\d{2})')


def month_days(month_file: Path) -> int:
    """Days of the month of a `YYYY-MM.ndjson` ping file."""
    year, month = (int(part) for part in month_file.name[:7].split("-"))
    return calendar.monthrange(year, month)[1]


def lines_by_day(month_file: Path) -> list[tuple[int, bytes]]:
    """Every line of a month's ping file with the day it lands, in file order (see the module)."""
    if not month_file.name.endswith(".ndjson"):
        raise ValueError(f"{month_file}: only uncompressed .ndjson files are split by day")
    year, month = (int(part) for part in month_file.name[:7].split("-"))
    days = month_days(month_file)
    lines = month_file.read_bytes().splitlines(keepends=True)
    landed = []
    for index, line in enumerate(lines):
        stamp = STAMP.search(line)
        if stamp and (int(stamp.group(1)), int(stamp.group(2))) == (year, month):
            day = int(stamp.group(3))
        else:
            day = 1 + index * days // len(lines)
        landed.append((day, line if line.endswith(b"\n") else line + b"\n"))
    return landed


def land_days(month_file: Path, landing_dir: Path, first_day: int, last_day: int) -> int:
    """Append the lines of days `first_day`..`last_day` of `month_file` to the file of the same
    name in `landing_dir` (created when absent); returns the lines appended."""
    chosen = [line for day, line in lines_by_day(month_file) if first_day <= day <= last_day]
    with (landing_dir / month_file.name).open("ab") as out:
        out.writelines(chosen)
    return len(chosen)


def months_of(zone: Path) -> list[str]:
    """The months of a landing zone's ping files, `YYYY-MM`, in order."""
    return sorted(path.name[:7] for path in (zone / "usage_pings").glob("*.ndjson"))


def keep_arr_through(source_csv: Path, destination_csv: Path, last_month: str) -> None:
    """arr_monthly.csv with the rows of months up to `last_month` (`YYYY-MM`), lines as written."""
    lines = source_csv.read_bytes().splitlines(keepends=True)
    kept = [lines[0]] + [line for line in lines[1:] if line[:7].decode("ascii") <= last_month]
    destination_csv.write_bytes(b"".join(kept))


def _rows(path: Path) -> tuple[list[str], list[bytes]]:
    lines = path.read_bytes().splitlines(keepends=True)
    return next(csv.reader([lines[0].decode("utf-8")])), lines


def _line(values: list[str]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue().encode("utf-8")


def edit_row(path: Path, matches: Callable[[dict[str, str]], bool], edit: Callable[[dict[str, str]], None]) -> str:
    """Edit the first row of a CSV that `matches`, leaving every other line as written; returns
    the row before and after, for the report."""
    header, lines = _rows(path)
    for number, line in enumerate(lines[1:], start=1):
        row = dict(zip(header, next(csv.reader([line.decode("utf-8")])), strict=True))
        if matches(row):
            before = dict(row)
            edit(row)
            lines[number] = _line([row[name] for name in header])
            path.write_bytes(b"".join(lines))
            changed = ", ".join(f"{name} {before[name]} -> {row[name]}" for name in header if before[name] != row[name])
            return f"{path.name}, {' '.join(before[name] for name in header[:2])}: {changed}"
    raise ValueError(f"{path}: no row to edit")


def append_row(path: Path, row: dict[str, str]) -> str:
    header, lines = _rows(path)
    if not lines[-1].endswith(b"\n"):
        lines[-1] += b"\n"
    path.write_bytes(b"".join([*lines, _line([row.get(name, "") for name in header])]))
    return f"{path.name}: + " + ", ".join(f"{name} {value}" for name, value in row.items())


def first_value(path: Path, column: str, where: Callable[[dict[str, str]], bool] = lambda row: True) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(row[column] for row in csv.DictReader(handle) if where(row))


def threshold(zone: Path, project: Path) -> str:
    """Methodology: the Green bound of score_color_bands from its value to 5 points lower."""
    bands = project / "seeds" / "score_color_bands.csv"
    bound = first_value(bands, "min_score", lambda row: row["color"] == "Green")
    lower = str(Decimal(bound) - 5)
    below = edit_row(bands, lambda row: row["max_score"] == bound, lambda row: row.update(max_score=lower))
    green = edit_row(bands, lambda row: row["min_score"] == bound, lambda row: row.update(min_score=lower))
    return f"{below}; {green.partition(': ')[2]}"


def account(zone: Path, project: Path) -> str:
    """CRM: the first account moves to another CSM."""
    path = zone / "accounts.csv"
    first = first_value(path, "csm_name")
    other = first_value(path, "csm_name", lambda row: row["csm_name"] != first)
    return edit_row(path, lambda row: True, lambda row: row.update(csm_name=other))


def subscription(zone: Path, project: Path) -> str:
    """CRM: the first subscription renews for a year (its end date moves)."""

    def renew(row: dict[str, str]) -> None:
        end = dt.date.fromisoformat(row["subscription_end_date"])
        row["subscription_end_date"] = end.replace(year=end.year + 1).isoformat()

    return edit_row(zone / "subscriptions.csv", lambda row: bool(row["subscription_end_date"]), renew)


def instance_label(zone: Path, project: Path) -> str:
    """A CSM relabels the first labeled self-managed production instance as non-production."""
    return edit_row(
        zone / "instances.csv",
        lambda row: row["instance_type"] == "Production" and row["hostname"] != "gitlab.com",
        lambda row: row.update(instance_type="Non-Production"),
    )


def adoption_reason(zone: Path, project: Path) -> str:
    """A CSM picks another reason for the first account's first use case."""
    path = zone / "adoption_reasons.csv"
    use_case, reason = first_value(path, "use_case"), first_value(path, "reason")
    other = first_value(path, "reason", lambda row: row["use_case"] == use_case and row["reason"] != reason)
    return edit_row(path, lambda row: True, lambda row: row.update(reason=other))


def override(zone: Path, project: Path) -> str:
    """A CSM overrides the first account's CI color to Green from three months before the last."""
    return append_row(
        project / "seeds" / "score_overrides.csv",
        {
            "account_id": first_value(zone / "accounts.csv", "account_id"),
            "use_case": "CI",
            "from_month": f"{months_of(zone)[-3]}-01",
            "to_month": "",
            "color": "Green",
            "reason": "Benchmark: the CSM knows of a CI rollout the pings do not show yet",
        },
    )


def exclusion(zone: Path, project: Path) -> str:
    """The first labeled self-managed instance is excluded from three months before the last."""
    uuid = first_value(zone / "instances.csv", "uuid", lambda row: row["hostname"] != "gitlab.com")
    return append_row(
        project / "seeds" / "instance_exclusions.csv",
        {
            "uuid": uuid,
            "reason": "Benchmark: a test instance the customer asked to leave out",
            "from_month": f"{months_of(zone)[-3]}-01",
            "to_month": "",
        },
    )


def past_arr(zone: Path, project: Path) -> str:
    """Finance corrects one ARR row of the third month (an old month): 10% more."""
    month = f"{months_of(zone)[2]}-01"

    def correct(row: dict[str, str]) -> None:
        row["arr"] = str((Decimal(row["arr"]) * Decimal("1.1")).quantize(Decimal("0.01")))

    return edit_row(zone / "arr_monthly.csv", lambda row: row["arr_month"] == month, correct)


# The change kinds of issue 26 ("Never stale"), in the order the benchmark lands them.
CHANGE_KINDS: dict[str, Callable[[Path, Path], str]] = {
    "methodology seed (a threshold)": threshold,
    "accounts.csv": account,
    "subscriptions.csv": subscription,
    "instances.csv (a label)": instance_label,
    "adoption_reasons.csv": adoption_reason,
    "an override (score_overrides)": override,
    "an exclusion (instance_exclusions)": exclusion,
    "past ARR (arr_monthly.csv, an old month)": past_arr,
}
