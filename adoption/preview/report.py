"""The preview's report: readable tables on screen (report.txt) and CSV files, written beside `--out`
and renamed into place, so a reader never sees half of one."""

from __future__ import annotations

import io
import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import agate
import duckdb
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from adoption.preview import compare
from adoption.published import Publication

TEMPLATES = Path(__file__).with_name("templates")
# Accounts printed on screen (by ARR); every change is in account_changes.csv.
SCREEN_ROWS = 30


def money(value: object) -> str:
    return "" if value is None else f"{Decimal(str(value)):,.2f}"


def share(value: object) -> str:
    return "" if value is None else f"{float(value):.1%}"


def text(value: object) -> str:
    return "" if value is None else str(value)


def table(columns: list[str], rows: list[list[str]]) -> str:
    """Rows of text as an aligned table (agate, which dbt itself prints tables with)."""
    out = io.StringIO()
    agate.Table(rows, columns, [agate.Text()] * len(columns)).print_table(
        output=out, max_rows=None, max_columns=None, max_column_width=60
    )
    return out.getvalue()


def copy_csv(con: duckdb.DuckDBPyConnection, sql: str, path: Path) -> None:
    quoted = str(path).replace("'", "''")
    con.execute(f"copy ({sql}) to '{quoted}' (header, delimiter ',')")


@dataclass
class Summary:
    out: Path
    changed_accounts: int
    files: list[str] = field(default_factory=list)


@dataclass
class Report:
    con: duckdb.DuckDBPyConnection
    after: compare.Relations
    publication: Publication
    candidates: list[str]
    drifted: list[str]
    has_reference: bool
    has_reference_before: bool

    def write(self, out: Path) -> tuple[str, Summary]:
        latest: date = self.publication.latest_complete_month
        out.parent.mkdir(parents=True, exist_ok=True)
        work = out.parent / f".{out.name}.writing-{os.getpid()}"
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir()
        try:
            files = []
            changes_sql = compare.account_changes_sql(self.after, latest)
            bands_sql = compare.arr_by_band_sql(self.after, latest)
            copy_csv(self.con, changes_sql, work / "account_changes.csv")
            copy_csv(self.con, bands_sql, work / "arr_by_band.csv")
            files += ["account_changes.csv", "arr_by_band.csv"]
            changes = self.con.execute(changes_sql).fetchall()
            bands = self.con.execute(bands_sql).fetchall()
            reference_rows, reference_changed = [], []
            if self.has_reference:
                reference_sql = compare.reference_agreement_sql(self.after, self.has_reference_before)
                checks_sql = compare.reference_checks_sql(self.after, self.has_reference_before)
                copy_csv(self.con, reference_sql, work / "reference_agreement.csv")
                copy_csv(self.con, checks_sql, work / "reference_checks.csv")
                files += ["reference_agreement.csv", "reference_checks.csv"]
                reference_rows = self.con.execute(reference_sql).fetchall()
                reference_changed = [
                    row for row in self.con.execute(checks_sql).fetchall() if row[6] != row[7] or row[4] != row[5]
                ]
            screen = self.render(latest, changes, bands, reference_rows, reference_changed, files, out)
            (work / "report.txt").write_text(screen)
            files.append("report.txt")
            put_in_place(work, out)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
        changed = len({row[1] for row in changes if row[0] == latest})
        return screen, Summary(out, changed, files)

    def render(self, latest, changes, bands, reference_rows, reference_changed, files, out) -> str:
        this_month = [row for row in changes if row[0] == latest]
        accounts: dict[str, dict] = {}
        for _, account_id, name, arr, changed, before, after in this_month:
            account = accounts.setdefault(account_id, {"name": name, "arr": arr, "colors": []})
            move = f"{text(before) or '-'} -> {text(after) or '-'}"
            if changed in ("platform score", "adoption band"):
                account[changed] = move
            else:
                account["colors"].append(f"{changed} {move}")
        arr_by_account = {account_id: account["arr"] for account_id, account in accounts.items()}
        account_rows = [
            [
                text(account_id),
                text(account["name"]),
                money(account["arr"]),
                "; ".join(account["colors"]),
                account.get("platform score", ""),
                account.get("adoption band", ""),
            ]
            for account_id, account in accounts.items()
        ]
        months = sorted({row[0] for row in bands} | {row[0] for row in changes}, reverse=True)
        monthly_rows = []
        for month in months:
            month_changes = [row for row in changes if row[0] == month]
            band_moves = {row[1]: row[3] for row in month_changes if row[4] == "adoption band"}
            monthly_rows.append(
                [
                    month.strftime("%Y-%m"),
                    str(len({row[1] for row in month_changes})),
                    str(sum(1 for row in month_changes if row[4] not in ("platform score", "adoption band"))),
                    str(len(band_moves)),
                    money(sum((v or 0 for v in band_moves.values()), Decimal(0))),
                ]
            )
        band_rows = [
            [
                text(row[1]),
                str(row[2]),
                str(row[3]),
                money(row[4]),
                money(row[5]),
                money(row[6]),
                share(row[7]),
                share(row[8]),
            ]
            for row in bands
            if row[0] == latest
        ]
        reference_table = (
            table(
                [
                    "use case",
                    "month",
                    "expectations",
                    "agreeing before",
                    "agreeing after",
                    "share before",
                    "share after",
                ],
                [
                    [text(r[0]), text(r[1]), text(r[2]), text(r[3]), text(r[4]), share(r[9]), share(r[10])]
                    for r in reference_rows
                ],
            )
            if any(r[2] for r in reference_rows)
            else ""
        )
        reference_changes = (
            table(
                ["account", "name", "use case", "expected", "color before", "color after", "before", "after"],
                [[text(v) for v in row] for row in reference_changed],
            )
            if reference_changed
            else ""
        )
        env = Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=False,
            undefined=StrictUndefined,
            trim_blocks=True,
            keep_trailing_newline=True,
        )
        return env.get_template("report.txt.j2").render(
            candidates=self.candidates,
            publication=self.publication,
            month=latest.strftime("%Y-%m"),
            months=compare.MONTHS,
            drifted=self.drifted,
            changed_accounts=len(arr_by_account),
            changed_arr=money(sum((v or 0 for v in arr_by_account.values()), Decimal(0))),
            account_table=table(
                ["account", "name", "ARR", "use-case colors", "platform score", "adoption band"],
                account_rows[:SCREEN_ROWS],
            )
            if account_rows
            else "",
            hidden_accounts=max(0, len(account_rows) - SCREEN_ROWS),
            monthly_table=table(
                ["month", "accounts changing", "use-case colors", "band changes", "ARR changing band"], monthly_rows
            ),
            band_table=table(
                [
                    "band",
                    "accounts before",
                    "accounts after",
                    "ARR before",
                    "ARR after",
                    "ARR change",
                    "share before",
                    "share after",
                ],
                band_rows,
            ),
            reference_table=reference_table,
            reference_changes=reference_changes,
            reference_note="no reference expectations (reference_accounts.csv has no rows, before or after)"
            if self.has_reference
            else "this project has no reference account marts",
            out=out,
            files=files,
        )


def put_in_place(work: Path, out: Path) -> None:
    """Rename the new report to `out`; a previous one is moved aside first, then removed."""
    old = out.parent / f".{out.name}.previous-{os.getpid()}"
    if out.exists():
        out.rename(old)
    work.rename(out)
    shutil.rmtree(old, ignore_errors=True)
