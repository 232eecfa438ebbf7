"""The CSM report (docs/report.md), run as a user runs it: `scripts/report.sh` on a published set.

Every CSV export is checked against the published marts by SQL written here; every page against
what the marts say it must show. The browser's view of the pages is test_report_browser.py's.
"""

from __future__ import annotations

import csv
import html
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import BIN, PROJECT_ROOT, Build, serving_path

sys.path.insert(0, str(PROJECT_ROOT))
from adoption.report.render import csm_page, slug

REPORT = PROJECT_ROOT / "scripts" / "report.sh"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run_report(published: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """`scripts/report.sh` as a user runs it (the project's venv first on PATH)."""
    env = {"PATH": f"{BIN}:/usr/bin:/bin", "HOME": str(out.parent)}
    return subprocess.run(
        [str(REPORT), "--published", str(published), "--out", str(out), *extra],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def published_rows(published: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(published), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def as_text(value) -> str:
    """How a CSV export writes a value: null empty, booleans true/false, dates ISO, numbers as Python prints them."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_csv(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        header, *body = list(csv.reader(handle))
    return header, sorted(tuple(row) for row in body)


def expected(rows: list[tuple]) -> list[tuple[str, ...]]:
    return sorted(tuple(as_text(value) for value in row) for row in rows)


@pytest.fixture(scope="module")
def published(generated_build: Build) -> Path:
    return serving_path(generated_build.database)


@pytest.fixture(scope="module")
def report(published: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """(site directory, README chart path, stdout) of one run on the generated build's published set."""
    root = tmp_path_factory.mktemp("report")
    chart = root / "images" / "kpi.png"
    result = run_report(published, root / "site", "--readme-chart", str(chart))
    assert result.returncode == 0, result.stderr[-3000:]
    return root / "site", chart, result.stdout


@pytest.fixture(scope="module")
def latest_month(published: Path) -> date:
    [(month,)] = published_rows(
        published, "select max(reporting_month) from marts.fct_account_platform_adoption where is_month_complete"
    )
    return month


def test_prints_the_path_of_index_html_last(report: tuple[Path, Path, str]) -> None:
    site, _, stdout = report
    assert stdout.strip().splitlines()[-1] == str((site / "index.html").resolve())


def test_the_readme_chart_is_a_png_at_the_path_given(report: tuple[Path, Path, str]) -> None:
    _, chart, _ = report
    assert chart.read_bytes()[:8] == PNG_SIGNATURE
    assert chart.stat().st_size > 10_000


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_every_page_names_its_build_and_loads_nothing_from_the_network(
    report: tuple[Path, Path, str], published: Path, latest_month: date
) -> None:
    site, _, _ = report
    [(build_id,)] = published_rows(
        published, "select build_id from marts.publication_log order by published_at desc limit 1"
    )
    [(accounts,)] = published_rows(published, "select count(*) from marts.dim_accounts")
    all_pages = pages(site)
    assert len(all_pages) > accounts
    for page in all_pages:
        text = page.read_text(encoding="utf-8")
        assert f"<span data-build-id>{build_id}</span>" in text, page
        assert f'data-latest-complete-month="{latest_month.isoformat()}"' in text, page
        assert "data-published-at=" in text, page
        assert not re.search(r"https?://|(src|href)\s*=\s*[\"']?//", text), page
        assert "<script src" not in text and "<link" not in text, page


def test_landscape_band_shares_and_csm_list_follow_the_marts(
    report: tuple[Path, Path, str], published: Path, latest_month: date
) -> None:
    site, _, _ = report
    index = (site / "index.html").read_text(encoding="utf-8")
    shares = published_rows(
        published,
        "select adoption_band, pct_of_arr, account_count from marts.rpt_arr_by_adoption_band "
        "where reporting_month = ? order by adoption_band_order",
        [latest_month],
    )
    table = index.split('<table id="band-shares">', 1)[1].split("</table>", 1)[0]
    found = re.findall(
        r'<tr data-band="([^"]*)">.*?data-field="account_count" data-value="([^"]*)".*?'
        r'data-field="pct_of_arr" data-value="([^"]*)"',
        table,
        re.S,
    )
    assert [(html.unescape(band), int(count), float(pct)) for band, count, pct in found] == [
        (band, count, pct) for band, pct, count in shares
    ]
    csm_list = index.split('<ul id="csm-list">', 1)[1].split("</ul>", 1)[0]
    names = [html.unescape(name) for name in re.findall(r"<a href=\"[^\"]+\">([^<]*)</a>", csm_list)]
    csms = published_rows(
        published, "select distinct csm_name from marts.dim_accounts where csm_name is not null order by 1"
    )
    assert sorted(names) == [name for (name,) in csms]
    for chart in ("arr_by_adoption_band", "accounts_by_use_case_color", "arr_by_use_case_color"):
        assert re.search(rf'<figure class="chart" data-chart="{chart}">\s*<svg', index), chart


def test_a_page_per_csm_and_per_account(report: tuple[Path, Path, str], published: Path) -> None:
    site, _, _ = report
    accounts = published_rows(published, "select account_id, account_name, csm_name from marts.dim_accounts")
    by_csm: dict[str | None, set[str]] = {}
    for account_id, account_name, csm_name in accounts:
        by_csm.setdefault(csm_name, set()).add(account_id)
        page = (site / "accounts" / f"{slug(account_id)}.html").read_text(encoding="utf-8")
        assert html.unescape(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)) == account_name
        assert '<table id="use-case-grid">' in page and '<table id="next-steps">' in page
    assert len(list((site / "accounts").iterdir())) == len(accounts)
    assert len(list((site / "csm").iterdir())) == len(by_csm)
    for csm_name, account_ids in by_csm.items():
        page = (site / "csm" / csm_page(csm_name)).read_text(encoding="utf-8")
        if csm_name is not None:
            assert html.unescape(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)) == csm_name
        listed = re.findall(r'<tr data-account-id="([^"]*)">', page)
        assert sorted(html.unescape(account_id) for account_id in listed) == sorted(account_ids)


def test_customer_360_next_steps_are_the_marts(
    report: tuple[Path, Path, str], published: Path, latest_month: date
) -> None:
    site, _, _ = report
    rows = published_rows(
        published,
        "select account_id, use_case, coalesce(effective_color, 'Unscored'), coalesce(next_step, ''), is_data_gap, "
        "is_overridden from marts.fct_account_use_case_health where reporting_month = ?",
        [latest_month],
    )
    assert any(row[4] for row in rows), "the generated build has no data-gap use case to show"
    pages_read: dict[str, str] = {}
    for account_id, use_case, color, next_step, is_data_gap, is_overridden in rows:
        page = pages_read.setdefault(
            account_id, (site / "accounts" / f"{slug(account_id)}.html").read_text(encoding="utf-8")
        )
        steps = page.split('<table id="next-steps">', 1)[1].split("</table>", 1)[0]
        row = re.search(rf'<tr data-use-case="{re.escape(html.escape(use_case))}">(.*?)</tr>', steps, re.S).group(1)
        assert f'data-color="{color}"' in row and f">{color}" in row
        cell = re.search(r'<td class="color [^>]*data-field="color"[^>]*>', row).group(0)
        assert ('data-data-gap="true"' in cell) == is_data_gap
        assert ('data-overridden="true"' in cell) == is_overridden
        step = re.search(r'<td data-field="next_step"[^>]*>(.*?)</td>', row, re.S).group(1)
        assert html.unescape(re.sub(r'<span class="marker">[^<]*</span> ', "", step)) == next_step
    for account_id, sentence in published_rows(
        published, "select account_id, alert_sentence from marts.fct_adoption_alerts"
    ):
        page = pages_read.get(account_id) or (site / "accounts" / f"{slug(account_id)}.html").read_text(
            encoding="utf-8"
        )
        listed = page.split('<table id="alerts">', 1)[1].split("</table>", 1)[0]
        assert sentence in html.unescape(listed), (account_id, sentence)


def test_csv_exports_equal_the_marts(report: tuple[Path, Path, str], published: Path, latest_month: date) -> None:
    site, _, _ = report
    exports = site / "exports"
    checks = {
        "landscape_band_shares.csv": (
            "select reporting_month, is_month_complete, adoption_band, adoption_band_order, account_count, arr, "
            "pct_of_arr, cumulative_pct_of_arr_at_or_above from marts.rpt_arr_by_adoption_band",
            [],
        ),
        "landscape_use_case_colors.csv": (
            "select reporting_month, is_month_complete, use_case, effective_color, count(*), sum(total_arr) "
            "from marts.fct_account_use_case_health group by all",
            [],
        ),
        "customer_360.csv": (
            "select h.account_id, a.account_name, a.csm_name, h.reporting_month, h.use_case, h.effective_color, "
            "h.use_case_color, h.use_case_score, h.is_overridden, h.override_reason, h.trend, h.next_color, "
            "h.limiting_measure, h.next_step, h.lack_of_adoption_reason, h.is_lack_of_adoption_reason_accepted, "
            "h.is_data_gap, h.total_arr from marts.fct_account_use_case_health as h "
            "join marts.dim_accounts as a using (account_id) where h.reporting_month = ?",
            [latest_month],
        ),
        "portfolio.csv": (
            "select a.csm_name, a.account_id, a.account_name, p.reporting_month, p.total_arr, p.adoption_band, "
            "p.use_cases_adopted, p.adopted_use_cases, p.overall_product_score, p.overall_product_color, "
            "p.overall_trend, "
            "(select count(*) from marts.fct_adoption_alerts as al where al.account_id = a.account_id "
            " and al.reporting_month = ?), "
            "(select count(*) from marts.rpt_adoption_reason_hygiene as r where r.account_id = a.account_id), "
            "(select count(*) from marts.fct_account_use_case_health as h where h.account_id = a.account_id "
            " and h.reporting_month = ? and h.is_overridden) "
            "from marts.dim_accounts as a left join marts.fct_account_platform_adoption as p "
            "on p.account_id = a.account_id and p.reporting_month = ?",
            [latest_month] * 3,
        ),
    }
    assert sorted(path.name for path in exports.iterdir()) == sorted(checks)
    for name, (sql, params) in checks.items():
        header, body = read_csv(exports / name)
        want = published_rows(published, sql, params)
        assert len(header) == len(want[0]), name
        assert body == expected(want), name


def test_runs_while_another_process_holds_the_published_file_open(published: Path, tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, duckdb, time\n"
            "con = duckdb.connect(sys.argv[1], read_only=True)\n"
            "con.execute('select count(*) from marts.dim_accounts').fetchall()\n"
            "print('open', flush=True)\n"
            "time.sleep(120)\n",
            str(published),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        result = run_report(published, tmp_path / "site", "--no-readme-chart")
        assert result.returncode == 0, result.stderr[-3000:]
        assert (tmp_path / "site" / "index.html").exists()
        assert holder.poll() is None  # the reader still holds the file
    finally:
        holder.kill()
        holder.wait()


HOSTILE_CSMS = ["<script>alert('csm')</script> & \"Q\"", "Ana / Bo", "ana bo", "Zoë Ðuković"]


def test_hostile_names_are_text_and_get_pages_of_their_own(published: Path, tmp_path: Path) -> None:
    """Names holding markup, quotes, slashes and non-ASCII letters, two CSM names that read alike,
    and accounts without a CSM: escaped on every page, each on a page of its own."""
    hostile = tmp_path / "hostile_serving.duckdb"
    shutil.copy(published, hostile)
    with duckdb.connect(str(hostile)) as con:
        ids = [
            account_id
            for (account_id,) in con.execute("select account_id from marts.dim_accounts order by 1").fetchall()
        ]
        csms = [*HOSTILE_CSMS, None]
        for i, account_id in enumerate(ids):
            con.execute(
                "update marts.dim_accounts set csm_name = ?, account_name = ? where account_id = ?",
                [csms[i % len(csms)], f'<img src=x onerror=alert(1)> Acme & "Sons" / {i}', account_id],
            )
    result = run_report(hostile, tmp_path / "site", "--no-readme-chart")
    assert result.returncode == 0, result.stderr[-3000:]
    site = tmp_path / "site"
    files = sorted(path.name for path in (site / "csm").iterdir())
    assert files == sorted(csm_page(name) for name in csms)
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert "<img src=x" not in text and "<script>alert" not in text, page
        assert re.fullmatch(r"[a-z0-9_-]+\.html", page.name), page
    index = (site / "index.html").read_text(encoding="utf-8")
    csm_list = index.split('<ul id="csm-list">', 1)[1].split("</ul>", 1)[0]
    names = [html.unescape(name) for name in re.findall(r"<a href=\"[^\"]+\">([^<]*)</a>", csm_list)]
    assert sorted(names) == sorted(HOSTILE_CSMS)
    for name in HOSTILE_CSMS:
        page = (site / "csm" / csm_page(name)).read_text(encoding="utf-8")
        assert html.unescape(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)) == name


def test_a_new_report_replaces_the_previous_one_and_nothing_else(published: Path, tmp_path: Path) -> None:
    """The site is written beside --out and renamed into place: a page of the previous report that
    the new one does not write is gone; a directory that is not a report is never replaced."""
    site = tmp_path / "site"
    first = run_report(published, site, "--no-readme-chart")
    assert first.returncode == 0, first.stderr[-3000:]
    stale = site / "accounts" / "gone-00000000.html"
    stale.write_text("an account no longer published", encoding="utf-8")
    second = run_report(published, site, "--no-readme-chart")
    assert second.returncode == 0, second.stderr[-3000:]
    assert not stale.exists() and (site / "index.html").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]
    other = tmp_path / "documents"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    refused = run_report(published, other, "--no-readme-chart")
    assert refused.returncode == 1 and "not a report directory" in refused.stderr
    assert sorted(path.name for path in other.iterdir()) == ["notes.txt"]
