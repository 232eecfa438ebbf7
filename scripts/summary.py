"""Print a short readable summary of the published set: what BI tools see.

Usage: python scripts/summary.py [PUBLISHED_FILE]   (default: $ADOPTION_SERVING_PATH,
else data/adoption_serving.duckdb). Reads only the published file, never the build
database, so it runs while the scheduled job builds.
"""

from __future__ import annotations

import os
import sys

import duckdb


def main() -> int:
    path = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("ADOPTION_SERVING_PATH", "data/adoption_serving.duckdb")
    con = duckdb.connect(path, read_only=True)
    build, published_at, raw, accepted, rejected_total, publications = con.execute(
        """
        select build_id, published_at, raw_ping_lines, accepted_pings, rejected_pings, count(*) over ()
        from marts.publication_log
        order by published_at desc
        limit 1
        """
    ).fetchone()
    print(f"Published set: build {build}, published {published_at:%Y-%m-%d %H:%M} UTC ({publications} publication(s))")
    rejected = con.execute(
        "select rejection_reason, count(*) from marts.dq_rejected_pings group by 1 order by 2 desc"
    ).fetchall()
    unattributed = con.execute("select count(*) from marts.dq_pings_without_known_subscription").fetchone()[0]
    print(f"Pings: {raw:,} lines, {accepted:,} accepted, {rejected_total:,} rejected", end="")
    print(" (" + ", ".join(f"{reason} {n}" for reason, n in rejected) + ")" if rejected else "")
    print(f"Accepted pings without a known subscription (scored per instance only): {unattributed:,}")

    # Headline figures use the latest complete month (SPEC §1); a month still in
    # progress is published too, and only named here, labelled as open.
    month, open_months = con.execute(
        """
        select
            max(reporting_month) filter (where is_month_complete),
            list(distinct reporting_month order by reporting_month) filter (where not is_month_complete)
        from marts.rpt_arr_by_adoption_band
        """
    ).fetchone()
    if open_months:
        print(
            "\nOpen month(s), published but not complete (is_month_complete = false): "
            + ", ".join(f"{m:%B %Y}" for m in open_months)
        )
    if month is None:
        print("\nNo complete month yet: every published month is still open.")
        return 0
    rows = con.execute(
        """
        select adoption_band, account_count, arr, pct_of_arr
        from marts.rpt_arr_by_adoption_band
        where reporting_month = ?
        order by adoption_band_order
        """,
        [month],
    ).fetchall()
    print(f"\nARR by platform adoption band, {month:%B %Y} (the latest complete month)")
    print(f"{'band':<8} {'accounts':>9} {'ARR (USD)':>16} {'share':>7}")
    for band, accounts, arr, share in rows:
        print(f"{band:<8} {accounts:>9,} {arr:>16,.2f} {(share or 0):>7.1%}")
    total = sum(arr for _, _, arr, _ in rows)
    print(f"{'total':<8} {sum(a for _, a, _, _ in rows):>9,} {total:>16,.2f}")

    alerts = con.execute(
        "select alert_type, count(*) from marts.fct_adoption_alerts where reporting_month = ? "
        "group by 1 order by 2 desc",
        [month],
    ).fetchall()
    shown = ", ".join(f"{kind} {n:,}" for kind, n in alerts) or "none"
    print(f"\nAlerts for CSMs, {month:%B %Y} (the latest complete month): {shown}")
    steps = con.execute(
        """
        select health.account_id, health.use_case, health.use_case_color, health.next_step
        from marts.fct_account_use_case_health as health
        inner join marts.fct_account_platform_adoption as platform
            on health.account_id = platform.account_id and health.reporting_month = platform.reporting_month
        where health.reporting_month = ? and health.next_step is not null
        order by platform.total_arr desc, health.account_id, health.use_case_display_order
        limit 3
        """,
        [month],
    ).fetchall()
    if steps:
        print("What it takes, for the largest accounts (fct_account_use_case_health.next_step):")
        for account_id, use_case, color, step in steps:
            print(f"  {account_id} {use_case} ({color}): {step}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
