"""The CSM report in a browser (issue #24): headless Chromium opens the static site that
`python -m adoption.report` writes from a published set, from files, as a CSM opens it from a share.

Chromium is Debian's package (`executable_path`), installed with apt-get when missing as the
PostgreSQL tests install PostgreSQL; `playwright install` (a download) is never run.

One small generated landing zone, made hostile (`make_zone_hostile`): an account and a CSM whose
names hold a script tag, an img with an onerror handler, `&` and both quotes; two CSMs whose names
differ only by a slash (their pages' file names could collide); two accounts with one name; an
account without a CSM; a subscription whose pings stop in the last month (fewer subscriptions
contributing: a data gap); a score override in force (a row in a copy of the project's
`score_overrides` seed). One build, one report, one browser session for every test; every expected
figure is SQL on the published file. Screenshots of the three views are kept in
$ADOPTION_TEST_ARTIFACTS (else python_tests/.artifacts/), under report_browser/.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from conftest import MART_SCHEMA, PROJECT_ROOT, copy_project, generate_landing_zone, query, run_dbt, serving_path
from playwright.sync_api import Locator, Page, sync_playwright

ZONE = {"accounts": 40, "months": 6, "seed": 24, "start_month": "2025-06"}  # past months: all complete
ARTIFACTS = Path(os.environ.get("ADOPTION_TEST_ARTIFACTS") or PROJECT_ROOT / "python_tests" / ".artifacts")
SCREENSHOTS = ARTIFACTS / "report_browser"

# Names a feed may carry: as text they are harmless; as markup they set window.__pwned (and open a dialog).
HOSTILE_ACCOUNT = """<script>window.__pwned=1</script> Rock & Roll "Quoted" 'Single' Inc."""
HOSTILE_CSM = """Dana O'Brien & "DJ" <img src=x onerror="window.__pwned=2;alert(2)"><script>window.__pwned=3</script>"""
SLASH_CSM = "Ana/Lee"
SLASH_TWIN_CSM = "Ana Lee"  # a slug of either name may be the other's
UNSCORED = "Unscored"  # the word the report's contract shows for a use case without a color
# Elements a hostile name would have made, had it been written as markup.
MARKUP_FROM_A_NAME = """() => [
    ...[...document.querySelectorAll('script')].filter(s => s.textContent.includes('__pwned')).map(s => s.outerHTML),
    ...[...document.querySelectorAll('[onerror]')].map(e => e.outerHTML),
]"""


# --- Chromium ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> str:
    """The path of Debian's chromium, installed with apt-get when missing (skipped only where
    this user cannot: not root, or no apt-get); a failed install fails."""
    path = shutil.which("chromium")
    if path:
        return path
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip("Debian's chromium is not installed and this user cannot apt-get install it")
    import engines

    # Without recommends (about 26 packages, not a desktop); its recommended fonts keep the
    # screenshots readable on a machine that has none.
    failure = engines.apt_get_install("chromium", "fonts-liberation", "--no-install-recommends")
    assert failure is None, failure
    path = shutil.which("chromium")
    assert path, "apt-get installed chromium, but there is no chromium on PATH"
    return path


# --- the hostile zone, its build and its report -------------------------------------------


@dataclass(frozen=True)
class Hostile:
    """What make_zone_hostile changed, by id."""

    hostile_account: str  # named HOSTILE_ACCOUNT, its CSM is HOSTILE_CSM
    twin_accounts: tuple[str, str]  # one name
    no_csm_account: str
    gap_account: str  # one of its subscriptions sends no ping in the last month
    gap_subscription: str


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def subscriptions_with_pings(path: Path) -> set[str]:
    """The subscriptions a ping file's well-formed lines name."""
    named = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            ping = json.loads(line)
        except ValueError:
            continue
        if isinstance(ping, dict) and ping.get("license_subscription_id"):
            named.add(ping["license_subscription_id"])
    return named


def make_zone_hostile(raw: Path) -> Hostile:
    """Rewrite a generated zone's accounts.csv with the hostile names, and stop the last month's
    pings of one subscription of an account that has another one reporting (a data gap)."""
    ping_files = sorted((raw / "usage_pings").glob("*.ndjson"))
    last_month = ping_files[-1].name[:7]
    reporting = subscriptions_with_pings(ping_files[-2]) & subscriptions_with_pings(ping_files[-1])
    with_arr = {
        row["subscription_id"]
        for row in read_csv(raw / "arr_monthly.csv")
        if row["arr_month"].startswith(last_month) and row["product_category"] == "Base Products"
    }
    subscriptions: dict[str, list[str]] = {}
    for row in read_csv(raw / "subscriptions.csv"):
        if row["subscription_id"] in reporting & with_arr:
            subscriptions.setdefault(row["account_id"], []).append(row["subscription_id"])
    gap_account = min(account for account, subs in subscriptions.items() if len(subs) >= 2)
    gap_subscription = max(subscriptions[gap_account])
    kept = []
    for line in ping_files[-1].read_text(encoding="utf-8").splitlines():
        try:
            drop = json.loads(line).get("license_subscription_id") == gap_subscription
        except (ValueError, AttributeError):
            drop = False
        if not drop:
            kept.append(line)
    ping_files[-1].write_text("\n".join(kept) + "\n", encoding="utf-8")

    accounts = read_csv(raw / "accounts.csv")
    others = [row for row in accounts if row["account_id"] != gap_account]
    hostile, hostile_too, slash, slash_twin, no_csm, twin_a, twin_b = others[:7]
    hostile.update(account_name=HOSTILE_ACCOUNT, csm_name=HOSTILE_CSM)
    hostile_too["csm_name"] = HOSTILE_CSM
    slash["csm_name"] = SLASH_CSM
    slash_twin["csm_name"] = SLASH_TWIN_CSM
    no_csm["csm_name"] = ""
    twin_b["account_name"] = twin_a["account_name"]
    write_csv(raw / "accounts.csv", accounts)
    return Hostile(
        hostile["account_id"],
        (twin_a["account_id"], twin_b["account_id"]),
        no_csm["account_id"],
        gap_account,
        gap_subscription,
    )


def add_override(project: Path, raw: Path, exclude: set[str]) -> str:
    """A CI override from the zone's second-to-last month on, for an account with Base Products
    ARR in both of them (the latest complete month is one of them); returns the account."""
    ping_files = sorted((raw / "usage_pings").glob("*.ndjson"))
    months = [path.name[:7] for path in ping_files[-2:]]
    with_arr: dict[str, set[str]] = {}
    for row in read_csv(raw / "arr_monthly.csv"):
        if row["product_category"] == "Base Products" and row["arr_month"][:7] in months:
            with_arr.setdefault(row["subscription_id"], set()).add(row["arr_month"][:7])
    account_of = {row["subscription_id"]: row["account_id"] for row in read_csv(raw / "subscriptions.csv")}
    account = min({account_of[sub] for sub, seen in with_arr.items() if len(seen) == 2} - exclude)
    with (project / "seeds" / "score_overrides.csv").open("a", encoding="utf-8") as handle:
        handle.write(f"{account},CI,{months[0]}-01,,Green,browser test override\n")
    return account


@dataclass(frozen=True)
class Site:
    root: Path  # the report's directory (index.html, csm/, accounts/)
    published: Path
    hostile: Hostile
    override_account: str

    def sql(self, sql: str, params: list | None = None) -> list[tuple]:
        return query(self.published, sql, params)

    @property
    def latest_month(self) -> date:
        bands = f"{MART_SCHEMA}.rpt_arr_by_adoption_band"
        return self.sql(f"select max(reporting_month) from {bands} where is_month_complete")[0][0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The hostile zone built (one dbt build of a project copy with the override) and its report."""
    work = tmp_path_factory.mktemp("report_browser")
    raw = generate_landing_zone(work / "raw", **ZONE)
    hostile = make_zone_hostile(raw)
    project = copy_project(work / "project")
    override_account = add_override(project, raw, {hostile.gap_account, hostile.hostile_account})
    database = work / "adoption.duckdb"
    result = run_dbt(["build", "--exclude-resource-type", "unit_test"], raw, database, project_dir=project)
    assert result.ok, result.output[-5000:]
    out = work / "report"
    report = subprocess.run(
        [
            *(sys.executable, "-m", "adoption.report", "--published", str(serving_path(database))),
            *("--out", str(out), "--readme-chart", str(work / "arr_by_adoption_band.png")),
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert report.returncode == 0, report.stdout[-3000:] + report.stderr[-3000:]
    return Site(out, serving_path(database), hostile, override_account)


# --- the browser ---------------------------------------------------------------------------


@dataclass
class Browser:
    """One page of one headless Chromium, with what every page it opened did: requests to
    anything but a file (aborted), console errors, uncaught exceptions, dialogs."""

    page: Page
    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, path: Path) -> Page:
        self.page.goto(path.resolve().as_uri())
        return self.page

    def follow(self, link_selector: str) -> Page:
        """Click a link of the current page and wait for the page it opens."""
        with self.page.expect_navigation():
            self.page.click(link_selector)
        return self.page


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Browser]:
    """One headless Chromium for the module. Requests to anything but a file are recorded and
    aborted (the test machine may be online: offline must not be what makes them fail)."""
    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=chromium, headless=True)
        context = chrome.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        seen = Browser(page)

        def request(request) -> None:
            if not request.url.startswith(("file:", "data:")):
                seen.outside_requests.append(f"{page.url} asked for {request.url}")

        def console(message) -> None:
            if message.type == "error":
                seen.console_errors.append(f"{page.url}: {message.text}")

        def dialog(opened) -> None:
            seen.dialogs.append(f"{page.url}: {opened.type} {opened.message}")
            opened.dismiss()

        context.route(
            "**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort()
        )
        page.on("request", request)
        page.on("console", console)
        page.on("pageerror", lambda error: seen.console_errors.append(f"{page.url}: uncaught {error}"))
        page.on("dialog", dialog)
        yield seen
        context.close()
        chrome.close()


@pytest.fixture(scope="module", autouse=True)
def no_stale_screenshots() -> None:
    """This run's screenshots only: a view whose test failed before its screenshot has none."""
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def csm_pages(browser: Browser, site: Site) -> dict[str | None, str]:
    """CSM name -> href of the Landscape's CSM list; None -> the page of the accounts without a CSM."""
    page = browser.open(site.root / "index.html")
    links = page.locator("#csm-list a")
    pages: dict[str | None, str] = {}
    for i in range(links.count()):
        pages[links.nth(i).inner_text().strip()] = links.nth(i).get_attribute("href")
    no_csm = page.locator("#no-csm a")
    if no_csm.count():
        pages[None] = no_csm.get_attribute("href")
    return pages


def portfolio(page: Page) -> dict[str, tuple[str, str]]:
    """account id -> (link text, link href) of a CSM page's portfolio table."""
    rows = page.locator("#portfolio tr[data-account-id]")
    listed = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        link = row.locator("a").first
        listed[row.get_attribute("data-account-id")] = (link.inner_text().strip(), link.get_attribute("href"))
    assert len(listed) == rows.count(), f"an account listed twice on {page.url}"
    return listed


# --- the tests -------------------------------------------------------------------------------


def test_every_page_offline_quiet_inert_and_charts_drawn(site: Site, browser: Browser) -> None:
    """Every page of the site: no request leaves file://, no console error, no dialog, no hostile
    name run as markup, no missing value printed `None`; its links are relative and lead to files
    of the site (it opens from a share); it names the published build and the latest complete
    month; each chart is an SVG with marks, a title, axis titles and axis labels, and the
    Landscape has charts."""
    (build_id,) = {row[0] for row in site.sql(f"select distinct build_id from {MART_SCHEMA}.dim_accounts")}
    pages = sorted(site.root.rglob("*.html"))
    assert {path.parent.name for path in pages} >= {site.root.name, "csm", "accounts"}, pages
    charts = {}
    for path in pages:
        page = browser.open(path)
        where = path.relative_to(site.root)
        assert page.evaluate("typeof window.__pwned") == "undefined", f"{where} ran a hostile name"
        leaked = re.findall(r".{0,40}\b(?:None|nan|NaT|undefined)\b.{0,40}", page.locator("body").inner_text())
        assert not leaked, f"{where}: a missing value printed as Python or JavaScript writes it: {leaked}"
        assert page.locator("[data-build-id]").first.inner_text().strip() == build_id, where
        assert page.locator("[data-published-at]").count() >= 1, where
        month = page.locator("[data-latest-complete-month]").first
        assert month.get_attribute("data-latest-complete-month") == site.latest_month.isoformat(), where
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            address = urlsplit(href)
            if address.scheme in ("http", "https", "mailto"):
                continue  # a link, not a request
            assert not address.scheme and not address.path.startswith("/"), f"{where}: link {href} is not relative"
            target = (path.parent / unquote(address.path)) if address.path else path
            assert target.is_file(), f"{where}: link {href} leads to no file"
        figures = page.locator("figure.chart")
        charts[where] = figures.count()
        for i in range(figures.count()):
            figure = figures.nth(i)
            name = f"{where} chart {figure.get_attribute('data-chart')}"
            svg = figure.locator("svg")
            assert svg.count() == 1, f"{name}: {svg.count()} svg elements"
            box = svg.bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0, f"{name}: drawn at {box}"
            assert figure.locator(".role-mark > *").count() > 0, f"{name}: no marks"
            for part in ("role-title-text", "role-axis-title", "role-axis-label"):
                texts = [t.strip() for t in figure.locator(f".{part} text").all_text_contents()]
                assert any(texts), f"{name}: no {part} text"
    assert charts[Path("index.html")] > 0, "the Landscape has no chart"
    assert browser.outside_requests == [], browser.outside_requests
    assert browser.console_errors == [], browser.console_errors
    assert browser.dialogs == [], browser.dialogs


def test_landscape_band_shares_are_the_published_ones(site: Site, browser: Browser) -> None:
    page = browser.open(site.root / "index.html")
    screenshot(page, "landscape")
    expected = {
        band: (pct, count)
        for band, pct, count in site.sql(
            f"select adoption_band, pct_of_arr, account_count from {MART_SCHEMA}.rpt_arr_by_adoption_band"
            " where reporting_month = ?",
            [site.latest_month],
        )
    }
    rows = page.locator("#band-shares tr[data-band]")
    shown = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        pct = row.locator("td[data-field=pct_of_arr]").get_attribute("data-value")
        count = row.locator("td[data-field=account_count]")
        shown[row.get_attribute("data-band")] = (
            float(pct),
            int(count.get_attribute("data-value") or count.inner_text().replace(",", "")),
        )
    assert shown.keys() == expected.keys()
    for band, (pct, count) in expected.items():
        assert shown[band][0] == pytest.approx(pct, abs=1e-9), band
        assert shown[band][1] == count, band


def test_csm_pages_list_exactly_their_accounts(site: Site, browser: Browser) -> None:
    """The Landscape links a page for every CSM (the hostile one, the slash and its twin among them)
    and one for the accounts without a CSM, each its own file; each CSM's page is titled with
    their name and lists exactly their accounts, by name."""
    expected: dict[str | None, set[str]] = {}
    names = {}
    for account_id, account_name, csm_name in site.sql(
        f"select account_id, account_name, nullif(trim(csm_name), '') from {MART_SCHEMA}.dim_accounts"
    ):
        expected.setdefault(csm_name, set()).add(account_id)
        names[account_id] = account_name
    assert {HOSTILE_CSM, SLASH_CSM, SLASH_TWIN_CSM} <= expected.keys()
    assert expected[None] == {site.hostile.no_csm_account}
    twin_a, twin_b = site.hostile.twin_accounts
    assert names[twin_a] == names[twin_b]
    pages = csm_pages(browser, site)
    assert pages.keys() == expected.keys()
    assert len(set(pages.values())) == len(pages), f"two CSMs share a page: {pages}"
    account_pages = {}
    for csm, href in pages.items():
        page = browser.open(site.root / href)
        if csm is not None:
            assert csm in page.locator("h1").inner_text(), href
        if csm == HOSTILE_CSM:
            screenshot(page, "csm_portfolio")
        listed = portfolio(page)
        assert listed.keys() == expected[csm], f"{csm!r} ({href})"
        assert {account: text for account, (text, _) in listed.items()} == {a: names[a] for a in expected[csm]}
        account_pages |= {
            account: ((site.root / href).parent / link).resolve() for account, (_, link) in listed.items()
        }
    # Two accounts share a name (Hostile.twin_accounts): each has its own Customer 360 page.
    assert len(set(account_pages.values())) == len(names), "two accounts share a Customer 360 page"


def test_csm_page_sorts_by_arr(site: Site, browser: Browser) -> None:
    """The largest portfolio (by SQL) opens highest ARR first, and a click on its ARR heading turns
    it lowest first: ARR of the latest complete month, from fct_account_platform_adoption."""
    csm, arr = site.sql(
        f"select d.csm_name, list(p.total_arr) from {MART_SCHEMA}.dim_accounts as d"
        f" join {MART_SCHEMA}.fct_account_platform_adoption as p using (account_id)"
        " where p.reporting_month = ? and d.csm_name is not null group by d.csm_name"
        " order by count(*) desc, d.csm_name limit 1",
        [site.latest_month],
    )[0]
    page = browser.open(site.root / csm_pages(browser, site)[csm])

    def shown_arr() -> list[Decimal]:
        cells = page.locator("#portfolio tr[data-account-id] td[data-field=total_arr]")
        return [Decimal(cells.nth(i).get_attribute("data-sort-value")) for i in range(cells.count())]

    assert shown_arr() == sorted(arr, reverse=True), csm
    page.locator("#portfolio thead th", has_text=re.compile(r"^\s*ARR\s*$")).click()
    assert shown_arr() == sorted(arr), csm


def color_cell(cell: Locator) -> tuple[str, bool, bool]:
    """(color, overridden, data gap) of a color cell, whose text shows the color's word, and one more
    word when the color is overridden or coincides with a data gap."""
    color, text = cell.get_attribute("data-color"), cell.inner_text().strip()
    overridden, gap = (cell.get_attribute(name) == "true" for name in ("data-overridden", "data-data-gap"))
    assert color and color in text, f"the color word is shown: {text!r}"
    assert text != color or not (overridden or gap), f"an overridden or data-gap color says so: {text!r}"
    return color, overridden, gap


def text_without_markers(cell: Locator) -> str:
    """A cell's text without the report's marker words (`.marker`, e.g. "data gap" before a next step)."""
    text = cell.evaluate(
        "e => { const c = e.cloneNode(true); c.querySelectorAll('.marker').forEach(m => m.remove());"
        " return c.textContent; }"
    )
    return " ".join(text.split())


def grid(page: Page) -> set[tuple]:
    """(use case, month, color, overridden, data gap) of every cell of the use-case grid."""
    cells = page.locator("#use-case-grid td[data-use-case]")
    shown = set()
    for i in range(cells.count()):
        cell = cells.nth(i)
        shown.add((cell.get_attribute("data-use-case"), cell.get_attribute("data-month"), *color_cell(cell)))
    return shown


def next_steps(page: Page) -> dict[str, tuple]:
    """use case -> (color, overridden, data gap, next step, limiting measure) of the next-steps table;
    the limiting measure's name is its cell's data-value when it has one (the text may show its label)."""
    rows = page.locator("#next-steps tr[data-use-case]")
    shown = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        step, measure = (row.locator(f"td[data-field={name}]") for name in ("next_step", "limiting_measure"))
        measure_name = measure.get_attribute("data-value")
        shown[row.get_attribute("data-use-case")] = (
            *color_cell(row.locator("td[data-field=color]")),
            text_without_markers(step),
            measure.inner_text().strip() if measure_name is None else measure_name,
        )
    return shown


def test_customer_360_shows_the_accounts_colors_and_next_steps(site: Site, browser: Browser) -> None:
    """The Customer 360 pages of the hostile account and of the first account (by id) with, in the
    latest complete month, an Unscored use case, an overridden one and a data-gap one show exactly
    their colors by use case and month and the month's next steps. Each page is reached from its
    CSM's page, as a CSM would."""
    health = f"{MART_SCHEMA}.fct_account_use_case_health"
    kinds = {UNSCORED: "effective_color is null", "overridden": "is_overridden", "data gap": "is_data_gap"}
    first = {
        kind: site.sql(
            f"select min(account_id) from {health} where reporting_month = ? and {where}", [site.latest_month]
        )
        for kind, where in kinds.items()
    }
    missing = [kind for kind, rows in first.items() if rows[0][0] is None]
    assert not missing, f"the zone has no {missing} use case in the latest complete month"
    assert first["overridden"][0][0] == site.override_account
    chosen = {site.hostile.hostile_account} | {rows[0][0] for rows in first.values()}

    csm_of = dict(site.sql(f"select account_id, nullif(trim(csm_name), '') from {MART_SCHEMA}.dim_accounts"))
    pages = csm_pages(browser, site)
    shown_kinds = set()
    for account in sorted(chosen):
        browser.open(site.root / pages[csm_of[account]])
        page = browser.follow(f"#portfolio tr[data-account-id='{account}'] a")
        (name,) = site.sql(f"select account_name from {MART_SCHEMA}.dim_accounts where account_id = ?", [account])[0]
        assert page.locator("h1").inner_text().strip() == name.strip(), account
        if account == site.override_account:
            screenshot(page, "customer_360")
        rows = site.sql(
            "select use_case, strftime(reporting_month, '%Y-%m-%d'), coalesce(effective_color, ?), is_overridden,"
            " is_data_gap, next_step, limiting_measure, reporting_month = ?"
            f" from {health} where account_id = ?",
            [UNSCORED, site.latest_month, account],
        )
        assert grid(page) == {row[:5] for row in rows}, account
        this_month = [row for row in rows if row[7]]
        expected = {row[0]: (*row[2:5], " ".join((row[5] or "").split()), row[6] or "") for row in this_month}
        assert next_steps(page) == expected, account
        shown_kinds |= {UNSCORED for row in this_month if row[2] == UNSCORED}
        shown_kinds |= {"overridden" for row in this_month if row[3]} | {"data gap" for row in this_month if row[4]}
    assert shown_kinds == kinds.keys()


def test_hostile_names_render_as_text(site: Site, browser: Browser) -> None:
    """The hostile CSM's page and the hostile account's page show the names as written, as text
    (the page text holds the literal `<script>`): no script or element with a handler came from a
    name, and nothing ran."""
    (account_name,) = site.sql(
        f"select account_name from {MART_SCHEMA}.dim_accounts where account_id = ?", [site.hostile.hostile_account]
    )[0]
    assert account_name == HOSTILE_ACCOUNT and "<script>" in account_name
    links = csm_pages(browser, site)
    csm_page = browser.open(site.root / links[HOSTILE_CSM])
    views = {"CSM page": (csm_page.locator("body").inner_text(), [HOSTILE_CSM, HOSTILE_ACCOUNT])}
    views["CSM page"] += (csm_page.evaluate(MARKUP_FROM_A_NAME), csm_page.evaluate("typeof window.__pwned"))
    page = browser.follow(f"#portfolio tr[data-account-id='{site.hostile.hostile_account}'] a")
    views["Customer 360"] = (page.locator("body").inner_text(), [HOSTILE_ACCOUNT])
    views["Customer 360"] += (page.evaluate(MARKUP_FROM_A_NAME), page.evaluate("typeof window.__pwned"))
    for view, (text, names, markup, pwned) in views.items():
        for name in names:
            assert name in text, f"{view}: {name!r} not shown as written"
        assert markup == [], f"{view}: elements made from a name: {markup}"
        assert pwned == "undefined", f"{view}: a name ran"
    assert browser.dialogs == []
