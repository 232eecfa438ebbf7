"""The daily cases of scripts/benchmark.py land what they say (scripts/lib/daily_landing.py).

A day of pings is the lines of a month's file stamped that day: landed day by day, a month's file
must end up with every line of the generator's file, each once, and a day's landing must hold the
lines stamped that day and no later one. Each change kind must change one row of one input and
leave every other line as written (a rewritten file would change more than the case says).
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import PROJECT_ROOT, generate_landing_zone
from daily_landing import CHANGE_KINDS, keep_arr_through, land_days, month_days, months_of


@pytest.fixture(scope="module")
def zone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_landing_zone(tmp_path_factory.mktemp("zone"), accounts=60, months=4, start_month="2024-01")


def stamped_day(line: bytes, month: str) -> int | None:
    """The day of a line's recorded_at when it is a valid stamp in `month`, read as JSON."""
    try:
        recorded_at = json.loads(line).get("recorded_at")
    except ValueError:
        return None
    if isinstance(recorded_at, str) and recorded_at.startswith(f"{month}-") and recorded_at[8:10].isdigit():
        return int(recorded_at[8:10])
    return None


def test_a_month_landed_day_by_day_is_the_generators_month(zone: Path, tmp_path: Path) -> None:
    source = sorted((zone / "usage_pings").glob("*.ndjson"))[-1]
    month, days = source.name[:7], month_days(source)
    landed = []
    for first, last in ((1, 14), (15, 15), (16, days)):
        before = (tmp_path / source.name).read_bytes() if (tmp_path / source.name).exists() else b""
        land_days(source, tmp_path, first, last)
        after = (tmp_path / source.name).read_bytes()
        assert after.startswith(before), "a day's pings are appended; what landed before stays as it was"
        new = after[len(before) :].splitlines(keepends=True)
        stamped = [stamped_day(line, month) for line in new]
        assert all(day is None or first <= day <= last for day in stamped), f"days {first}-{last}: {stamped}"
        landed.append(new)
    assert Counter(line for lines in landed for line in lines) == Counter(source.read_bytes().splitlines(True))
    assert any(
        stamped_day(line, month) is None for line in source.read_bytes().splitlines()
    ), "the generator writes bad lines in every month (malformed, unstamped, future): they land too"


def test_arr_kept_through_a_month(zone: Path, tmp_path: Path) -> None:
    months = months_of(zone)
    keep_arr_through(zone / "arr_monthly.csv", tmp_path / "arr.csv", months[-2])
    kept = (tmp_path / "arr.csv").read_text().splitlines()
    whole = (zone / "arr_monthly.csv").read_text().splitlines()
    assert kept == [line for line in whole if not line.startswith(f"{months[-1]}-")]
    assert len(kept) < len(whole)


@pytest.mark.parametrize("kind", list(CHANGE_KINDS))
def test_each_change_kind_changes_one_row(zone: Path, tmp_path: Path, kind: str) -> None:
    live, project = tmp_path / "zone", tmp_path / "project"
    shutil.copytree(zone, live)
    shutil.copytree(PROJECT_ROOT / "seeds", project / "seeds")
    files = [*live.glob("*.csv"), *(project / "seeds").glob("*.csv")]
    before = {path: path.read_text().splitlines() for path in files}
    said = CHANGE_KINDS[kind](live, project)
    changed = {path: path.read_text().splitlines() for path in files if path.read_text().splitlines() != before[path]}
    assert len(changed) == 1, f"{kind}: changed {sorted(path.name for path in changed)}"
    path, after = next(iter(changed.items()))
    assert path.name in said
    old, new = Counter(before[path]), Counter(after)
    removed, added = sum((old - new).values()), sum((new - old).values())
    rows = (removed, added)
    if path.name == "score_color_bands.csv":
        assert rows == (2, 2), "a bound moves in both bands that share it"
    else:
        assert rows in ((1, 1), (0, 1)), f"{kind}: {rows} rows removed/added in {path.name}"
