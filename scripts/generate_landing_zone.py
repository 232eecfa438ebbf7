"""Generate a realistic demo landing zone for the adoption-scoring project (SPEC section 2).

Usage::

    python scripts/generate_landing_zone.py --out DIR [--seed 42] [--accounts 200]
        [--months 12] [--start-month YYYY-MM] [--gzip] [--quiet]

The default start month makes the last generated month the calendar month before the
current UTC month. Standard library only; output is streamed month by month.

Files written under DIR::

    accounts.csv, subscriptions.csv, arr_monthly.csv, instances.csv, adoption_reasons.csv
    usage_pings/YYYY-MM.ndjson       (.ndjson.gz with --gzip; stale month files are removed)
    _manifest.json                   per-month line counts and counts of every bad-record kind

Shape:

* Accounts: Pareto-like seats (most 10-300, a few thousands), 1-5 subscriptions (mostly 1-2),
  customer-since dates from six years before the window to five months into it.
* Subscriptions: ~40% Ultimate, ~75% Self-Managed; ~15% churn at an anniversary close to the
  window. ``subscription_end_date`` is the current term end as seen at the end of the window
  (the churn date for churned subscriptions), so it may move when more months are generated.
* ARR: one ``Base Products`` row per subscription active at month end (seats x price x 12 x
  discount, with cents) and ``Add-on`` rows for ~15% of subscription-months.
* Instances: Self-Managed subscriptions have a Production instance and sometimes Non-Production
  ones (some with more billable users than production); ~15% are unlabeled (absent from
  instances.csv); a few production instances never ping. SaaS subscriptions have one
  ``gitlab.com`` instance whose uuid is a numeric namespace id.
* Pings: 1-3 per instance-month (~8% of instance-months skipped), often one on the last day
  of the month late in the evening UTC; rare exact ties on the latest ``recorded_at``. Metrics
  follow per-account adoption trajectories (improving, degrading or flat) per use case, so
  colors cross thresholds both ways. ~3% of metric leaves are -1, ~2% absent, ~1.5% of pings
  lack the whole ``secure`` subtree.
* Bad records (each kind at least once per month with >= 5 account pings, ~1 per 2500 pings
  otherwise): see ``REJECT_KINDS`` (rejected by the project) and ``DQ_KINDS`` (valid pings of
  extra instances whose subscription is unknown or null). ``_manifest.json`` has the counts.

Determinism: account structure comes from ``Random(f"{seed}:{index}")`` and each account-month
from ``Random(f"{seed}:{index}:{YYYY-MM}")``, so runs with the same seed, account count and
start month produce byte-identical ping files and ARR rows for the months they share. The other
CSVs only gain rows for entities that start later (end dates excepted, see above).
"""

import argparse
import calendar
import csv
import gzip
import io
import json
import math
import multiprocessing
import os
import random
import sys
import time
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

PRICE_PER_SEAT_MONTH = {"Premium": 29, "Ultimate": 99}
CSMS = ("Avery Chen", "Jordan Okafor", "Priya Raman", "Mateo García", "Sofia Lindqvist",
        "Noah Kim", "Amara Nwosu", "Lukas Becker")  # fmt: skip
NAME_HEADS = ("Acme", "Globex", "Initech", "Umbrella", "Stark", "Hooli", "Vandelay", "Wonka",
              "Tyrell", "Cyberdyne", "Soylent", "Aperture", "Nakatomi", "Oscorp", "Monarch",
              "Northwind", "Contoso", "Fabrikam", "Tailspin", "Sirius", "Blue Sun", "Zorg")  # fmt: skip
NAME_BODIES = ("Robotics", "Analytics", "Logistics", "Health", "Financial", "Software",
               "Systems", "Energy", "Media", "Labs", "Foods", "Aerospace", "Telecom",
               "Insurance", "Retail", "Biotech", "Networks", "Motors")  # fmt: skip
NAME_TAILS = ("Inc", "LLC", "GmbH", "Ltd", "S.A.", "plc", "Corp", "AG", "B.V.", "KK")
CI_REASONS = (
    "Challenges Related to Licensing Tiers, Seats, Compute Mins and Storage Costs",
    "Security and Compliance Workflow Challenges",
    "Challenges Related to Learning About Functionality and How to Use It",
    "Organizational Challenges Within Your Company Related to Adopting",
    "GitLab Continuous Integration (CI) Workflow(s) Challenges",
    "Deployment Workflow(s) Challenges within GitLab",
    "Challenges with Planning and Tracking Work",
    "Repository and Code Review Workflow Challenges",
    "Migrating to GitLab",
    "Platform downtime / availability",
    "Does not intend to use GitLab CI",
    "Is all-in on GitLab CI (no other solution) but has high business user count",
    "N/A (Green CI adoption)",
)
SECURITY_REASONS = (
    "User Roles and Access Management",
    "Configuring and maintaining the security scanning of application code",
    "Managing security scan results and remediating confirmed vulnerabilities",
    "Dependency management, scanning, and visualization",
    "Secrets and/or CI Variables Management",
    "Integration with SSO Providers",
    "Compliance Workflows (including rolled-up views, workflows)",
    "Stuck on adoption outside of DSO (CI, etc)",
    "Migrating to GitLab",
    "Organizational Challenges Within Your Company Related to Adopting",
    "Security and Compliance Workflow Challenges",
    "N/A (Green DSO Adoption)",
)
FREE_TEXT_REASONS = ("Migrating to Gitlab", "Customer uses Jenkins, no plans to move",
                     "Org challenges adopting", "Security & Compliance Workflow Challenges",
                     "TBD - follow up next QBR", "Platform downtime/availability")  # fmt: skip

# Metric leaves in payload order: (object, sub-object or "", leaf).
METRIC_LEAVES: tuple[tuple[str, str, str], ...] = (
    ("counts", "", "projects"),
    ("counts", "", "issues"),
    ("counts", "", "merge_requests"),
    ("counts_monthly", "", "ci_builds"),
    ("counts_monthly", "", "ci_internal_pipelines"),
    ("counts_monthly", "", "deployments"),
    ("counts_monthly", "", "successful_deployments"),
    ("counts_monthly", "", "failed_deployments"),
    ("usage_activity_by_stage_monthly", "manage", "active_users"),
    ("usage_activity_by_stage_monthly", "create", "action_monthly_active_users_project_repo"),
    ("usage_activity_by_stage_monthly", "verify", "ci_pipelines"),
    ("usage_activity_by_stage_monthly", "release", "deployments"),
    ("usage_activity_by_stage_monthly", "package", "projects_with_packages"),
    ("usage_activity_by_stage_monthly", "secure", "user_unique_users_all_secure_scanners"),
    ("usage_activity_by_stage_monthly", "secure", "sast_scans"),
    ("usage_activity_by_stage_monthly", "secure", "dast_scans"),
    ("usage_activity_by_stage_monthly", "secure", "dependency_scanning_scans"),
    ("usage_activity_by_stage_monthly", "secure", "container_scanning_scans"),
    ("usage_activity_by_stage_monthly", "secure", "secret_detection_scans"),
    ("usage_activity_by_stage_monthly", "secure", "coverage_fuzzing_scans"),
    ("usage_activity_by_stage_monthly", "secure", "api_fuzzing_scans"),
    ("redis_hll_counters", "search", "i_search_total_unique_counts_monthly"),
)
SCAN_SLOTS = range(14, 21)  # indexes of the seven scan counts in METRIC_LEAVES
SCANNER_POPULARITY = (0, 4, 2, 3, 1, 6, 5)  # sast, secret, dependency, container, dast, ...

# Bad-record kinds, with the SPEC section 7 reject reason they should map to.
REJECT_KINDS = {
    "malformed_json": "malformed JSON",
    "missing_uuid_key": "no uuid",
    "null_uuid": "no uuid",
    "empty_uuid": "no uuid",
    "unparseable_recorded_at": "unparseable recorded_at",
    "missing_recorded_at": "no recorded_at",
    "future_recorded_at": "recorded_at in the future",
    "duplicate_delivery": "duplicate id",
}
DQ_KINDS = {
    "unknown_subscription": "valid ping, license_subscription_id not in subscriptions.csv",
    "null_subscription": "valid ping, license_subscription_id is null",
}
BAD_KINDS = tuple(REJECT_KINDS)
P_BAD_EACH = 1 / 2500
BAD_VALUES = ("not-a-timestamp", "31/13/2025 25:61", "2025-02-30T10:00:00Z")
USE_CASES = ("SCM", "CI", "CD", "Security", "engagement", "utilization")
# (log at level 0, log-range up to level 1) of ci builds per user, deployments per user, scans
# per pipeline: the levels then cross the SPEC 4.2 thresholds.
LN_BUILDS = (math.log(0.5), math.log(300.0 / 0.5))
LN_DEPLOYS = (math.log(0.3), math.log(25.0 / 0.3))
LN_SCANS = (math.log(0.02), math.log(2.0 / 0.02))
N_LEAVES = len(METRIC_LEAVES)
LOG_KEEP = math.log(0.95)
SECURE_KEYS = tuple(leaf for _, sub, leaf in METRIC_LEAVES if sub == "secure")
DUMPS = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


@dataclass(slots=True)
class Instance:
    uuid: str
    hostname: str
    true_type: str  # Production / Non-Production (what the CSM would label)
    label: str | None  # None: absent from instances.csv
    labeled_at: str
    start_ym: int
    user_factor: float  # billable users relative to the subscription's
    usage_factor: float  # adoption level multiplier (non-production uses less)
    version_lag: int
    installation_type: str
    pings: bool = True


@dataclass(slots=True)
class Subscription:
    subscription_id: str
    tier: str
    delivery: str
    start_ym: int
    start_day: int
    churn_ym: int | None
    seats: int
    seat_growth: float
    price_cents: int  # per seat per year, after discount
    addon_start_ym: int | None
    addon_cents: int
    instances: list[Instance] = field(default_factory=list)

    def active(self, ym: int) -> bool:
        return self.start_ym <= ym and (self.churn_ym is None or ym < self.churn_ym)

    def seats_at(self, ym: int) -> int:
        return max(1, round(self.seats * (1 + self.seat_growth) ** ((ym - self.start_ym) // 12)))


@dataclass(slots=True)
class Account:
    index: int
    account_id: str
    name: str
    since_ym: int
    since_day: int
    csm: str
    segment: str
    trajectories: list[tuple[float, float]]  # (level at window start, slope per month)
    premium_scan: float  # scanner usage multiplier on Premium subscriptions
    scanners: tuple[int, ...]
    subs: list[Subscription] = field(default_factory=list)
    reasons: list[tuple[str, str, str]] = field(default_factory=list)


def ym_of(text: str) -> int:
    year, month = text.split("-")
    return int(year) * 12 + int(month) - 1


def ym_label(ym: int) -> str:
    return f"{ym // 12:04d}-{ym % 12 + 1:02d}"


def iso_date(ym: int, day: int) -> str:
    return f"{ym_label(ym)}-{day:02d}"


def iso_ts(ym: int, day: int, hour: int, minute: int, second: int) -> str:
    return f"{ym_label(ym)}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"


def last_day(ym: int) -> int:
    return calendar.monthrange(ym // 12, ym % 12 + 1)[1]


def rng_uuid(rng: random.Random) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return lo if x < lo else hi if x > hi else x


def trajectory(rng: random.Random, lo: float = 0.0, hi: float = 1.0) -> tuple[float, float]:
    shape = rng.random()
    slope = 0.0 if shape < 0.4 else rng.uniform(0.02, 0.08) * (1 if shape < 0.75 else -1)
    return rng.uniform(lo, hi), slope


def make_account(seed: int, index: int, window_start: int, sub_counter: list[int]) -> Account:
    rng = random.Random(f"{seed}:{index}")
    band = rng.random()
    offset = (rng.randint(-72, -10) if band < 0.6 else rng.randint(-9, -4) if band < 0.75
              else rng.randint(-3, 0) if band < 0.87 else rng.randint(1, 5))  # fmt: skip
    since_ym = window_start + offset
    size = min(25000, int(20 * rng.paretovariate(0.9)))
    head, body = rng.choice(NAME_HEADS), rng.choice(NAME_BODIES)
    style = rng.random()
    name = (f"{head}, {body} & Co" if style < 0.03 else f'{head} "{body}" {rng.choice(NAME_TAILS)}'
            if style < 0.04 else f"{head} {body} {rng.choice(NAME_TAILS)}")  # fmt: skip
    trajs = [trajectory(rng) for _ in USE_CASES[:5]] + [trajectory(rng, 0.35, 1.1)]
    if rng.random() < 0.25:  # deploys with another tool
        trajs[2] = (trajs[2][0] * 0.2, 0.0)
    account = Account(
        index=index,
        account_id=f"A{index + 1:06d}",
        name=name,
        since_ym=since_ym,
        since_day=rng.randint(1, 28),
        csm=rng.choice(CSMS),
        segment="SMB" if size < 100 else "Mid-Market" if size < 1000 else "Large",
        trajectories=trajs,
        premium_scan=0.35 if rng.random() < 0.3 else 0.0,
        scanners=tuple(sorted(range(7), key=lambda i: SCANNER_POPULARITY[i] + rng.random() * 2)),
    )
    slug = f"{head.split()[0].lower()}-{index + 1}"
    n_subs = rng.choices((1, 2, 3, 4, 5), (55, 27, 10, 5, 3))[0]
    for k in range(n_subs):
        sub_counter[0] += 1
        account.subs.append(make_subscription(rng, account, k, sub_counter[0], slug, window_start))
    make_reasons(rng, account, window_start)
    return account


def make_subscription(
    rng: random.Random, account: Account, k: int, number: int, slug: str, window_start: int
) -> Subscription:
    start_ym = account.since_ym if k == 0 else account.since_ym + rng.randint(1, 30)
    tier = "Ultimate" if rng.random() < 0.4 else "Premium"
    churn_ym = None
    if rng.random() < 0.15:
        first = max(1, -(-(window_start - start_ym) // 12))
        churn_ym = start_ym + 12 * (first + rng.randint(0, 1))
    seats = max(5, int(int(20 * rng.paretovariate(0.9)) * rng.uniform(0.3, 1.0)))
    discount = rng.uniform(0.62, 1.0)
    sub = Subscription(
        subscription_id=f"S{number:07d}",
        tier=tier,
        delivery="SaaS" if rng.random() < 0.25 else "Self-Managed",
        start_ym=start_ym,
        start_day=account.since_day if k == 0 else rng.randint(1, 28),
        churn_ym=churn_ym,
        seats=min(seats, 25000),
        seat_growth=rng.uniform(-0.1, 0.3),
        price_cents=round(PRICE_PER_SEAT_MONTH[tier] * 1200 * discount),
        addon_start_ym=start_ym + rng.randint(0, 12) if rng.random() < 0.22 else None,
        addon_cents=rng.randint(50_000, 2_500_000),
    )
    if sub.delivery == "SaaS":
        namespace = 1_000_000 + ((account.index * 5 + k) * 2654435761) % 90_000_000
        sub.instances.append(make_instance(rng, str(namespace), "gitlab.com", "Production", sub))
        return sub
    prod = make_instance(rng, rng_uuid(rng), f"gitlab.{slug}.example", "Production", sub)
    prod.pings = rng.random() > 0.04
    sub.instances.append(prod)
    for env in ("staging", "dev")[: rng.choices((0, 1, 2), (58, 32, 10))[0]]:
        host = f"gitlab-{env}{k or ''}.{slug}.example"
        inst = make_instance(rng, rng_uuid(rng), host, "Non-Production", sub)
        inst.start_ym += rng.randint(0, 6)
        sub.instances.append(inst)
    return sub


def make_instance(
    rng: random.Random, uuid: str, hostname: str, true_type: str, sub: Subscription
) -> Instance:
    prod = true_type == "Production"
    if prod:
        user_factor, usage = 1.0, 1.0
    else:
        bigger = rng.random() < 0.15  # non-production with more billable users than production
        user_factor = rng.uniform(1.05, 1.3) if bigger else rng.uniform(0.1, 0.6)
        usage = rng.uniform(0.3, 1.0)
    saas = hostname == "gitlab.com"
    return Instance(
        uuid=uuid,
        hostname=hostname,
        true_type=true_type,
        label=true_type if rng.random() < 0.85 else None,
        labeled_at=iso_ts(sub.start_ym + rng.randint(0, 2), rng.randint(1, 28), rng.randint(8, 18),
                          rng.randint(0, 59), rng.randint(0, 59)),  # fmt: skip
        start_ym=sub.start_ym,
        user_factor=user_factor,
        usage_factor=usage,
        version_lag=0 if saas else rng.choice((0, 1, 1, 2, 3, 4, 6, 9)),
        installation_type="gitlab-saas" if saas else rng.choice(
            ("omnibus-gitlab", "omnibus-gitlab", "gitlab-helm-chart", "docker")),
    )  # fmt: skip


def make_reasons(rng: random.Random, account: Account, window_start: int) -> None:
    if rng.random() >= 0.75:
        return
    ultimate = any(s.tier == "Ultimate" for s in account.subs)
    use_case = "Security" if ultimate and rng.random() < 0.55 else "CI"
    ym = max(account.since_ym, window_start) + rng.randint(0, 5)
    for _ in range(rng.choices((1, 2, 3), (70, 22, 8))[0]):
        level = clamp(sum(account.trajectories[1 if use_case == "CI" else 3]))
        pool = CI_REASONS if use_case == "CI" else SECURITY_REASONS
        if rng.random() < 0.05:
            reason = rng.choice(FREE_TEXT_REASONS)
        elif level > 0.8 and rng.random() < 0.7:
            reason = pool[-1]
        else:
            reason = rng.choice(pool[:-1])
        ts = iso_ts(ym, rng.randint(1, 28), rng.randint(7, 20), rng.randint(0, 59),
                    rng.randint(0, 59))  # fmt: skip
        account.reasons.append((use_case, reason, ts))
        ym += rng.randint(1, 6)


def release(ym: int, lag: int, saas: bool, patch: int) -> str:
    n = ym - lag - (2023 * 12 + 4)  # 16.0 shipped in May 2023, one minor a month
    major, minor = 16 + n // 12, n % 12
    return f"{major}.{minor}.0-pre" if saas else f"{major}.{minor}.{patch}-ee"


def metric_values(
    rng: random.Random, b: int, lv: list[float], scanners: tuple[int, ...]
) -> tuple[list[int], list[int]]:
    """Metric leaves (METRIC_LEAVES order) for ``b`` billable users at adoption levels ``lv``.

    Returns the values (failed leaves already -1) and the indexes of leaves to leave out.
    """
    r = rng.random
    scm, ci, cd, sec, eng = lv[0], lv[1], lv[2], lv[3], lv[4]
    projects = round(b * (0.6 + 2 * r())) + 1
    builds = round(b * math.exp(LN_BUILDS[0] + ci * LN_BUILDS[1]) * (0.9 + 0.2 * r()))
    pipelines = round(builds / (3 + 5 * r()))
    deploys = round(b * math.exp(LN_DEPLOYS[0] + cd * LN_DEPLOYS[1]) * (0.6 + 0.8 * r()))
    success = round(deploys * clamp(0.1 + 0.85 * cd + 0.2 * (r() - 0.5)))
    vals = [
        projects, projects * (8 + int(20 * r())), projects * (3 + int(10 * r())),
        builds, pipelines, deploys, success, deploys - success,
        round(b * min(1.0, (0.3 + 0.65 * eng) * (0.92 + 0.16 * r()))),
        round(b * (0.02 + 0.55 * scm) * (0.85 + 0.3 * r())),
        round(b * (0.02 + 0.5 * ci) * (0.85 + 0.3 * r())),
        round(b * (0.01 + 0.2 * cd) * (0.85 + 0.3 * r())),
        round(projects * 0.5 * r() * ci),
        round(b * 0.35 * sec * (0.8 + 0.4 * r())),
        0, 0, 0, 0, 0, 0, 0,
        round(b * 0.4 * r()),
    ]  # fmt: skip
    n_types = int(sec * 7.99 + 1.5 * (r() - 0.5)) if sec > 0 else 0
    if n_types > 0:
        per_type = pipelines * math.exp(LN_SCANS[0] + sec * LN_SCANS[1]) / min(n_types, 7)
        for slot in scanners[: min(n_types, 7)]:
            vals[14 + slot] = round(per_type * (0.3 + 1.4 * r())) + (1 if pipelines else 0)
    absent: list[int] = []
    i = int(math.log(1.0 - r()) / LOG_KEEP)  # geometric gaps: each leaf missing with p=5%
    while i < N_LEAVES:
        if r() < 0.6:
            vals[i] = -1
        else:
            absent.append(i)
        i += 1 + int(math.log(1.0 - r()) / LOG_KEEP)
    return vals, absent


def metric_tree(vals: list[int], absent: list[int], drop_secure: bool) -> dict[str, Any]:
    v = vals
    secure = dict(zip(SECURE_KEYS, v[13:21], strict=True))
    stage = {"manage": {"active_users": v[8]},
             "create": {"action_monthly_active_users_project_repo": v[9]},
             "verify": {"ci_pipelines": v[10]}, "release": {"deployments": v[11]},
             "package": {"projects_with_packages": v[12]}, "secure": secure}  # fmt: skip
    tree = {
        "counts": {"projects": v[0], "issues": v[1], "merge_requests": v[2]},
        "counts_monthly": {"ci_builds": v[3], "ci_internal_pipelines": v[4], "deployments": v[5],
                           "successful_deployments": v[6], "failed_deployments": v[7]},
        "usage_activity_by_stage_monthly": stage,
        "redis_hll_counters": {"search": {"i_search_total_unique_counts_monthly": v[21]}},
    }  # fmt: skip
    for i in absent:
        top, sub, leaf = METRIC_LEAVES[i]
        del (tree[top][sub] if sub else tree[top])[leaf]
    if drop_secure:
        del stage["secure"]
    return tree


class MonthWriter:
    """One usage_pings month file: buffered lines, bad-record injection and counts."""

    def __init__(self, path: Path, compress: bool, month: int) -> None:
        raw = path.open("wb")
        self.fh: IO[str]
        if compress:  # mtime=0 and no file name in the header: byte-identical output
            gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=6, mtime=0)
            self.fh = io.TextIOWrapper(gz, encoding="utf-8", newline="\n")
        else:
            self.fh = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
        self.month = month
        self.buf: list[str] = []
        self.lines = 0
        self.account_pings = 0
        self.instance_months = 0
        self.ties = 0
        self.kinds = dict.fromkeys([*REJECT_KINDS, *DQ_KINDS], 0)
        self.last: tuple[dict[str, Any], str] | None = None

    def write(self, line: str) -> None:
        self.buf.append(line)
        if len(self.buf) >= 4096:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.fh.write("\n".join(self.buf) + "\n")
            self.lines += len(self.buf)
            self.buf.clear()

    def account_ping(self, rng: random.Random, ping: dict[str, Any]) -> None:
        line = DUMPS(ping)
        self.write(line)
        self.account_pings += 1
        self.last = (ping, line)
        x = rng.random()
        if x < P_BAD_EACH * len(BAD_KINDS):
            self.bad(rng, BAD_KINDS[int(x / P_BAD_EACH)], ping, line)

    def bad(self, rng: random.Random, kind: str, ping: dict[str, Any], line: str) -> None:
        self.kinds[kind] += 1
        if kind == "duplicate_delivery":
            self.write(line)
            return
        bad = dict(ping, id=rng_uuid(rng))
        if kind == "missing_uuid_key":
            del bad["uuid"]
        elif kind in ("null_uuid", "empty_uuid"):
            bad["uuid"] = None if kind == "null_uuid" else ""
        elif kind == "unparseable_recorded_at":
            bad["recorded_at"] = BAD_VALUES[self.kinds[kind] % len(BAD_VALUES)]
        elif kind == "missing_recorded_at":
            del bad["recorded_at"]
        elif kind == "future_recorded_at":
            ts = bad["recorded_at"]
            bad["recorded_at"] = f"2099-{ts[5:8]}{min(int(ts[8:10]), 28):02d}{ts[10:]}"
        text = DUMPS(bad)
        self.write(text[: len(text) // 2] if kind == "malformed_json" else text)

    def close(self, seed: int) -> None:
        """Guarantee one record of each bad kind (when the month has pings), then close."""
        if self.last is not None and self.account_pings >= 5:
            rng = random.Random(f"{seed}:fallback:{ym_label(self.month)}")
            for kind in BAD_KINDS:
                if self.kinds[kind] == 0:
                    self.bad(rng, kind, *self.last)
        self.flush()
        self.fh.close()


def instance_pings(
    rng: random.Random, account: Account, sub: Subscription, inst: Instance, ym: int,
    levels: list[float], out: MonthWriter,
) -> None:  # fmt: skip
    """1-3 pings of one instance in month ``ym`` (none for ~8% of instance-months)."""
    r = rng.random
    if r() < 0.08:
        return
    k = 1 if (x := r()) < 0.45 else 2 if x < 0.8 else 3
    end = last_day(ym)
    # one day in each k-th of the month, so days are distinct and sorted
    times = [[1 + int((j + r()) * end / k), int(24 * r()), int(60 * r()), int(60 * r())]
             for j in range(k)]  # fmt: skip
    if r() < 0.35:  # late on the last day of the month
        times[-1] = [end, 20 + int(4 * r()), int(60 * r()), int(60 * r())]
    if k > 1 and r() < 0.01:  # two pings with the same latest recorded_at
        times[-2] = times[-1]
        out.ties += 1
    seats = sub.seats_at(ym)
    users = seats * levels[5] * inst.user_factor
    saas = inst.hostname == "gitlab.com"
    lv = [x * inst.usage_factor for x in levels[:5]]
    lv[3] *= 1.0 if sub.tier == "Ultimate" else account.premium_scan
    licensed = seats if r() > 0.1 else max(1, round(seats * (0.85 + 0.25 * r())))
    version = release(ym, inst.version_lag, saas, int(9 * r()))
    prefix, plan = ym_label(ym), sub.tier.lower()
    out.instance_months += 1
    for day, hour, minute, second in times:
        b = 0 if r() < 0.005 else min(round(seats * 1.1), round(users * (0.95 + 0.1 * r())))
        x = r()
        ping: dict[str, Any] = {
            "id": rng_uuid(rng),
            "uuid": inst.uuid,
            "hostname": inst.hostname,
            "recorded_at": f"{prefix}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z",
            "version": version,
            "edition": "EE",
            "installation_type": inst.installation_type,
            "license_plan": plan,
            "license_subscription_id": sub.subscription_id,
            "license_user_count": None if 0.003 <= x < 0.006 else licensed,
            "active_user_count": None if x < 0.003 else b,
        }
        vals, absent = metric_values(rng, b, lv, account.scanners)
        ping.update(metric_tree(vals, absent, r() < 0.015))
        out.account_ping(rng, ping)


def account_pings(seed: int, account: Account, ym: int, t: int, out: MonthWriter) -> None:
    """Pings of one account in month ``ym`` (``t`` months after the window start)."""
    subs = [s for s in account.subs if s.active(ym)]
    if not subs:
        return
    rng = random.Random(f"{seed}:{account.index}:{ym_label(ym)}")
    ramp = min(1.0, (ym - account.since_ym + 1) / 5)  # young accounts ramp up
    levels = [clamp(s + k * t + rng.gauss(0, 0.05)) for s, k in account.trajectories[:5]]
    s, k = account.trajectories[5]
    levels.append(clamp(s + k * t + rng.gauss(0, 0.04), 0.02, 1.1) * ramp)
    levels[1] *= ramp
    levels[2] *= ramp
    for sub in subs:
        for inst in sub.instances:
            if inst.pings and inst.start_ym <= ym:
                instance_pings(rng, account, sub, inst, ym, levels, out)


def arr_rows(accounts: list[Account], ym: int) -> Iterator[tuple[str, str, str, str, int, int]]:
    """(arr_month, subscription_id, product_category, product_tier, arr_cents, seats)."""
    month_date = iso_date(ym, 1)
    for account in accounts:
        for sub in account.subs:
            if sub.active(ym):
                seats = sub.seats_at(ym)
                base = (month_date, sub.subscription_id, "Base Products", sub.tier)
                yield (*base, seats * sub.price_cents, seats)
                if sub.addon_start_ym is not None and ym >= sub.addon_start_ym:
                    yield month_date, sub.subscription_id, "Add-on", sub.tier, sub.addon_cents, 0


def dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def stray_pings(seed: int, n: int, ym: int, out: MonthWriter) -> None:
    """Valid pings of extra instances (not in instances.csv): unknown or null subscription."""
    rng = random.Random(f"{seed}:stray:{ym_label(ym)}")
    for i in range(2 * n):
        unknown = i % 2 == 0
        inst_rng = random.Random(f"{seed}:stray-instance:{i}")
        uuid, users = rng_uuid(inst_rng), inst_rng.randint(3, 400)
        lv = [inst_rng.random() for _ in range(5)]
        b = round(users * rng.uniform(0.6, 1.0))
        ping: dict[str, Any] = {
            "id": rng_uuid(rng),
            "uuid": uuid,
            "hostname": f"gitlab.trial-{i + 1}.example",
            "recorded_at": iso_ts(ym, rng.randint(1, last_day(ym)), rng.randint(0, 23),
                                  rng.randint(0, 59), rng.randint(0, 59)),  # fmt: skip
            "version": release(ym, inst_rng.randint(0, 6), False, rng.randint(0, 8)),
            "edition": "EE",
            "installation_type": "omnibus-gitlab",
            "license_plan": "ultimate" if unknown else None,
            "license_subscription_id": f"S{9999000 + i // 2:07d}" if unknown else None,
            "license_user_count": users if unknown else None,
            "active_user_count": b,
        }
        ping.update(metric_tree(*metric_values(rng, b, lv, (0, 1, 2, 3, 4, 5, 6)), False))
        out.write(DUMPS(ping))
        out.instance_months += 1
        out.kinds["unknown_subscription" if unknown else "null_subscription"] += 1


def write_csv(path: Path, header: tuple[str, ...], rows: Any) -> int:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_static_csvs(out: Path, accounts: list[Account], window_end: int) -> dict[str, int]:
    live = [a for a in accounts if a.since_ym <= window_end]
    subs = [s for a in live for s in a.subs if s.start_ym <= window_end]

    def term_end(s: Subscription) -> str:
        n = (window_end - s.start_ym) // 12 + 1  # first anniversary after the window
        end = s.start_ym + 12 * n
        return iso_date(min(end, s.churn_ym or end), s.start_day)

    return {
        "accounts.csv": write_csv(
            out / "accounts.csv",
            ("account_id", "account_name", "customer_since_date", "csm_name", "sales_segment"),
            ((a.account_id, a.name, iso_date(a.since_ym, a.since_day), a.csm, a.segment)
             for a in live),
        ),
        "subscriptions.csv": write_csv(
            out / "subscriptions.csv",
            ("subscription_id", "account_id", "product_tier", "delivery_type",
             "subscription_start_date", "subscription_end_date"),
            ((s.subscription_id, a.account_id, s.tier, s.delivery,
              iso_date(s.start_ym, s.start_day), term_end(s))
             for a in live for s in a.subs if s.start_ym <= window_end),
        ),
        "instances.csv": write_csv(
            out / "instances.csv",
            ("uuid", "hostname", "instance_type", "labeled_at"),
            ((i.uuid, i.hostname, i.label, i.labeled_at)
             for s in subs for i in s.instances if i.label and i.start_ym <= window_end),
        ),
        "adoption_reasons.csv": write_csv(
            out / "adoption_reasons.csv",
            ("account_id", "use_case", "reason", "updated_at"),
            ((a.account_id, uc, reason, ts) for a in live for uc, reason, ts in a.reasons
             if ym_of(ts[:7]) <= window_end),
        ),
    }  # fmt: skip


def default_start(months: int) -> str:
    now = datetime.now(UTC)
    return ym_label(now.year * 12 + now.month - 2 - (months - 1))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", required=True, type=Path, help="output directory (created)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--accounts", type=int, default=200)
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--start-month", help="YYYY-MM (default: last month = previous UTC month)")
    p.add_argument("--gzip", action="store_true", help="write usage_pings/*.ndjson.gz")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1),
                   help="processes writing month files in parallel (output is identical)")  # fmt: skip
    args = p.parse_args(argv)
    if min(args.accounts, args.months, args.jobs) < 1:
        p.error("--accounts, --months and --jobs must be >= 1")
    args.start_month = args.start_month or default_start(args.months)
    try:
        datetime.strptime(args.start_month, "%Y-%m")
    except ValueError:
        p.error("--start-month must be YYYY-MM")
    return args


STATE: dict[str, Any] = {}  # per process: the accounts and the run settings


def init_state(args: argparse.Namespace) -> None:
    """Build the accounts once per process (inherited as is when the pool forks)."""
    if STATE.get("args") != args:
        start, counter = ym_of(args.start_month), [0]
        STATE["accounts"] = [make_account(args.seed, i, start, counter) for i in range(args.accounts)]
        STATE["args"] = args


def month_file(ym: int) -> dict[str, Any]:
    """Write usage_pings for one month; return its manifest entry."""
    args: argparse.Namespace = STATE["args"]
    name = f"usage_pings/{ym_label(ym)}.ndjson" + (".gz" if args.gzip else "")
    writer = MonthWriter(args.out / name, args.gzip, ym)
    t = ym - ym_of(args.start_month)
    for account in STATE["accounts"]:
        if account.since_ym <= ym:
            account_pings(args.seed, account, ym, t, writer)
    stray_pings(args.seed, max(1, args.accounts // 500), ym, writer)
    writer.close(args.seed)
    rejected = sum(writer.kinds[k] for k in REJECT_KINDS)
    return {
        "file": name,
        "lines": writer.lines,
        "accepted": writer.lines - rejected,
        "rejected": rejected,
        "instance_months": writer.instance_months,
        "recorded_at_ties": writer.ties,
        "bad_records": {k: writer.kinds[k] for k in REJECT_KINDS},
        "data_quality": {k: writer.kinds[k] for k in DQ_KINDS},
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    out: Path = args.out
    (out / "usage_pings").mkdir(parents=True, exist_ok=True)
    for stale in out.glob("usage_pings/????-??.ndjson*"):
        stale.unlink()
    init_state(args)
    accounts: list[Account] = STATE["accounts"]
    start = ym_of(args.start_month)
    end = start + args.months - 1
    rows = write_static_csvs(out, accounts, end)
    months: dict[str, Any] = {}
    arr_totals: dict[str, str] = {}
    total = 0
    jobs = min(args.jobs, args.months)
    with multiprocessing.Pool(jobs, init_state, (args,)) if jobs > 1 else nullcontext() as pool:
        results = pool.imap(month_file, range(start, end + 1)) if pool else None
        with (out / "arr_monthly.csv").open("w", newline="", encoding="utf-8") as fh:
            arr = csv.writer(fh, lineterminator="\n")
            arr.writerow(("arr_month", "subscription_id", "product_category", "product_tier",
                          "arr", "seats"))  # fmt: skip
            rows["arr_monthly.csv"] = 0
            for ym in range(start, end + 1):
                cents = 0
                for row in arr_rows(accounts, ym):
                    arr.writerow((*row[:4], dollars(row[4]), row[5]))
                    cents += row[4]
                    rows["arr_monthly.csv"] += 1
                arr_totals[ym_label(ym)] = dollars(cents)
        for ym in range(start, end + 1):
            month = next(results) if results else month_file(ym)
            months[ym_label(ym)] = month
            rows[month["file"]] = month["lines"]
            total += month["lines"]
            if not args.quiet:
                elapsed = time.monotonic() - began
                print(f"[landing-zone] {ym_label(ym)}: {month['lines']:,} lines, {total:,} so far, "
                      f"{elapsed:,.1f}s, {total / elapsed:,.0f} lines/s", file=sys.stderr)  # fmt: skip
    elapsed = time.monotonic() - began
    files = {f: {"rows": n, "bytes": (out / f).stat().st_size} for f, n in sorted(rows.items())}
    manifest = {
        "seed": args.seed,
        "accounts": args.accounts,
        "start_month": ym_label(start),
        "end_month": ym_label(end),
        "gzip": args.gzip,
        "reject_reason_of_kind": REJECT_KINDS,
        "data_quality_kinds": DQ_KINDS,
        "arr_total_by_month": arr_totals,
        "months": months,
        "totals": {
            "lines": total,
            "rejected": sum(m["rejected"] for m in months.values()),
            "accepted": sum(m["accepted"] for m in months.values()),
        },
        "files": files,
    }
    (out / "_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for f, info in files.items():
        print(f"{f}\t{info['rows']} rows\t{info['bytes']} bytes")
    print(f"total: {total} ping lines in {elapsed:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
