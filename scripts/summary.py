"""Print a short readable summary of the latest build of the DuckDB database.

Usage: python scripts/summary.py [DATABASE]   (default: $DBT_DUCKDB_PATH)
"""

from __future__ import annotations

import os
import sys

import duckdb


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("DBT_DUCKDB_PATH", "data/adoption.duckdb")
    con = duckdb.connect(path, read_only=True)
    accepted = con.execute("select count(*) from staging.stg_landing__usage_pings").fetchone()[0]
    rejected = con.execute(
        "select rejection_reason, count(*) from marts.dq_rejected_pings group by 1 order by 2 desc"
    ).fetchall()
    unattributed = con.execute("select count(*) from marts.dq_pings_without_known_subscription").fetchone()[0]
    print(f"Pings: {accepted:,} accepted, {sum(n for _, n in rejected):,} rejected", end="")
    print(" (" + ", ".join(f"{reason} {n}" for reason, n in rejected) + ")" if rejected else "")
    print(f"Accepted pings without a known subscription (scored per instance only): {unattributed:,}")

    month = con.execute("select max(reporting_month) from marts.rpt_arr_by_adoption_band").fetchone()[0]
    rows = con.execute(
        """
        select adoption_band, account_count, arr, pct_of_arr
        from marts.rpt_arr_by_adoption_band
        where reporting_month = ?
        order by adoption_band_order
        """,
        [month],
    ).fetchall()
    print(f"\nARR by platform adoption band, {month:%B %Y}")
    print(f"{'band':<8} {'accounts':>9} {'ARR (USD)':>16} {'share':>7}")
    for band, accounts, arr, share in rows:
        print(f"{band:<8} {accounts:>9,} {arr:>16,.2f} {(share or 0):>7.1%}")
    total = sum(arr for _, _, arr, _ in rows)
    print(f"{'total':<8} {sum(a for _, a, _, _ in rows):>9,} {total:>16,.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
