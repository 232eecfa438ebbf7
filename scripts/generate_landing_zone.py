"""Generate a realistic demo landing zone (the raw inputs of SPEC section 2).

Usage::

    python scripts/generate_landing_zone.py --out DIR [--seed 42] [--accounts 200] [--months 12]
        [--start-month YYYY-MM] [--gzip] [--quiet] [--jobs N]

The default start month makes the last generated month the calendar month before the current
UTC month. Standard library only. Month files are written by ``--jobs`` processes (default: up
to 4, one per CPU); the output does not depend on it.

Files written under DIR::

    accounts.csv, subscriptions.csv, arr_monthly.csv, instances.csv, adoption_reasons.csv
    usage_pings/YYYY-MM.ndjson   (.ndjson.gz with --gzip; stale month files in DIR are removed)
    _manifest.json               per month: lines, accepted, rejected, counts of each bad kind

Shape:

* Accounts: Pareto-like size (most 10-300 seats, a few thousands), 1-5 subscriptions (mostly
  1-2), customer since six years before the window start up to five months into the window.
* Subscriptions: ~40% Ultimate, ~75% Self-Managed, ~15% churn at an anniversary near the
  window. ``subscription_end_date`` is the term end as seen at the end of the window (the
  churn date when churned), so it moves (renewals) when more months are generated.
* ARR: a ``Base Products`` row per subscription active at month end (seats x list price x 12 x
  discount, in cents) and ``Add-on`` rows (seats 0) for ~15% of subscription-months; 3 in 5
  add-ons carry their own tier name (``Duo Pro``, ``Duo Enterprise``, ``Enterprise Agile
  Planning``), and ~1 in 10 SaaS subscriptions the legacy name of its tier (``Silver``,
  ``Gold``) in both CSVs. The project's seeds list the legacy names, not the add-on ones.
* Instances: a Self-Managed subscription has a Production instance (~4% never ping) and
  sometimes 1-2 Non-Production ones (~15% of them with more billable users than production);
  ~15% of instances are unlabeled (absent from instances.csv); ~3% of labels are written in
  lower case and ~1% of Non-Production ones as ``Staging``, a label the seeds do not list. A SaaS subscription has one
  ``gitlab.com`` instance whose uuid is a numeric namespace id. Self-managed instances run a
  release 0-9 months old (``X.Y.Z-ee``; SaaS: the month's ``X.Y.0-pre``), except ~10%
  that stay on one old release for good (13.12, 14.3, 14.10, 15.4, 15.11 or 16.0, patch drawn
  once; a release the month has not reached yet is replaced by the monthly one).
* Pings: 1-3 per instance-month, ~8% of instance-months skipped, ~35% of the latest pings late
  on the last day of the month (UTC), ~1% of multi-ping months with two pings at the same
  latest ``recorded_at``. Metrics come from per-account, per-use-case adoption levels that
  drift up, down or stay flat (with noise), times billable users, so that every SPEC 4.1
  measure takes all three colors and colors change both ways over time. ~3% of metric leaves
  failed (-1 or -2, 70/30), ~2% absent, ~1.5% of pings have no ``secure`` subtree, ~0.5%
  report 0 billable users. Keys follow the version: ``license_billable_users`` (the billable
  users) from 14.0 on, ``redis_hll_counters.manage.unique_active_users_monthly`` from 15.2
  on, ``counts_monthly.ci_internal_pipelines`` from 15.10 on and ``counts_monthly.ci_builds``
  from 16.1 on; older versions leave them out. With
  ``license_billable_users``, ``active_user_count`` also counts guests and bots (1-1.25 times
  the billable users, plus 0-3); without it (before 14.0, ~1.4% of pings) it is the billable
  users. ~0.5% of ``license_billable_users`` are -1 (the billable count falls back to
  ``active_user_count``); ~0.3% of pings have null user counts. Last activity is
  ``redis_hll_counters.manage.unique_active_users_monthly`` (beside ``search``).
* Bad records: each kind of ``REJECT_KINDS`` for ~1 in 2,500 pings and at least once in every
  month with 5 or more account pings; every month also has valid pings of extra instances (not
  in instances.csv) with an unknown or a null subscription (``DQ_KINDS``, accounts // 500 of
  each, at least one). The unknown-subscription ones are EE pings with license keys; the
  null-subscription ones are Community Edition (``edition`` CE, version ``X.Y.Z``): no
  ``license_*`` keys at all (so a null ``license_subscription_id``), no ``secure`` subtree,
  ``active_user_count`` as the only user count. ``_manifest.json`` counts every kind per month.

Determinism: accounts come from ``Random(f"{seed}:{index}")`` and each account-month from
``Random(f"{seed}:{index}:{YYYY-MM}")``, so runs with the same seed, account count and start
month write byte-identical ping files and ARR rows for the months they share. The other CSVs
only gain rows for entities that start later (subscription end dates excepted, see above).
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
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

PRICE_PER_SEAT_MONTH = {"Premium": 29, "Ultimate": 99}
CSMS = "Avery Chen,Jordan Okafor,Priya Raman,Mateo García,Sofia Lindqvist,Noah Kim".split(",")
NAME_HEADS = (
    "Acme Globex Initech Umbrella Stark Hooli Vandelay Wonka Tyrell Cyberdyne Soylent Aperture "
    "Nakatomi Oscorp Monarch Northwind Contoso Fabrikam Tailspin Sirius Zorg"
).split()
NAME_BODIES = (
    "Robotics Analytics Logistics Health Financial Software Systems Energy Media Labs Foods "
    "Aerospace Telecom Insurance Retail Biotech Networks Motors"
).split()
NAME_TAILS = "Inc LLC GmbH Ltd S.A. plc Corp AG B.V. KK".split()
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
    "N/A (Green CI adoption)",  # the "green" reason stays last
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
FREE_TEXT_REASONS = (  # not in the seed: the project must flag them
    "Migrating to Gitlab",
    "Customer uses Jenkins, no plans to move",
    "Security & Compliance Workflow Challenges",
    "TBD - follow up next QBR",
)
STAGE = "usage_activity_by_stage_monthly"
# The metric leaves, in the order of metric_values() and of the payload.
METRIC_PATHS = tuple(
    "counts.projects counts.issues counts.merge_requests counts_monthly.ci_builds "
    "counts_monthly.ci_internal_pipelines counts_monthly.deployments "
    "counts_monthly.successful_deployments counts_monthly.failed_deployments "
    f"{STAGE}.create.action_monthly_active_users_project_repo "
    f"{STAGE}.verify.ci_pipelines {STAGE}.release.deployments "
    f"{STAGE}.package.projects_with_packages {STAGE}.secure.user_unique_users_all_secure_scanners "
    f"{STAGE}.secure.sast_scans {STAGE}.secure.dast_scans {STAGE}.secure.dependency_scanning_scans "
    f"{STAGE}.secure.container_scanning_scans {STAGE}.secure.secret_detection_scans "
    f"{STAGE}.secure.coverage_fuzzing_scans {STAGE}.secure.api_fuzzing_scans "
    "redis_hll_counters.manage.unique_active_users_monthly "
    "redis_hll_counters.search.i_search_total_unique_counts_monthly".split()
)
SECURE_KEYS = tuple(p.split(".")[2] for p in METRIC_PATHS if ".secure." in p)
# First (major, minor) release that sends a payload key; older versions leave the key out.
BILLABLE_SINCE, UNIQUE_ACTIVE_USERS_SINCE = (14, 0), (15, 2)
CI_INTERNAL_PIPELINES_SINCE, CI_BUILDS_SINCE = (15, 10), (16, 1)
# Old releases (major.minor, last patch) some self-managed instances stay on.
OLD_RELEASES = (("13.12", 15), ("14.3", 6), ("14.10", 5), ("15.4", 6), ("15.11", 13), ("16.0", 8))
# Open sets as real feeds spell them (picked by a hash of the id, so no random draw moves):
# add-on lines carry their own tier names, some SaaS contracts keep a legacy tier name, CSMs
# type labels in any case and now and then one the project does not list.
ADDON_TIERS = (None, None, "Duo Pro", "Duo Enterprise", "Enterprise Agile Planning")
LEGACY_TIERS = {"Premium": "Silver", "Ultimate": "Gold"}
SCANNER_POPULARITY = (0, 4, 2, 3, 1, 6, 5)  # sast, secret detection, dependency, container, ...
# Bad-record kind -> the SPEC section 7 reject reason the project should give it.
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
    "unknown_subscription": "valid ping; license_subscription_id not in subscriptions.csv",
    "null_subscription": "valid ping; license_subscription_id is null",
}
BAD_KINDS = tuple(REJECT_KINDS)
P_BAD_EACH = 1 / 2500
BAD_TIMESTAMPS = ("not-a-timestamp", "31/13/2025 25:61", "2025-02-30T10:00:00Z")
# (log at level 0, log-range to level 1) of CI builds per user, deployments per user and scans
# per pipeline, chosen so that adoption levels cross the SPEC 4.2 thresholds.
LN_BUILDS = (math.log(0.5), math.log(300.0 / 0.5))
LN_DEPLOYS = (math.log(0.3), math.log(25.0 / 0.3))
LN_SCANS = (math.log(0.02), math.log(2.0 / 0.02))
LOG_KEEP = math.log(0.95)  # each metric leaf is missing (-1 or absent) with probability 5%
Rng = random.Random
Metrics = tuple[list[int], list[int]]  # leaf values, indexes of the absent leaves
DUMPS = json.JSONEncoder(separators=(",", ":")).encode  # = json.dumps(x, separators=...)


@dataclass(slots=True)
class Instance:
    uuid: str
    hostname: str
    label: str | None  # Production / Non-Production; None: absent from instances.csv
    labeled_at: str
    start_ym: int
    user_factor: float  # billable users relative to the subscription's
    usage_factor: float  # adoption multiplier (non-production uses less)
    version_lag: int
    old_version: str | None  # pinned to this old release; None: follows release()
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
    seat_growth: float  # per renewal
    price_cents: int  # per seat per year, after discount
    addon_start_ym: int | None
    addon_cents: int
    instances: list[Instance] = field(default_factory=list)

    @property
    def start_date(self) -> str:
        return iso_date(self.start_ym, self.start_day)

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
    # SCM, CI, CD, Security, engagement, license utilization: (level at window start, slope)
    trajectories: list[tuple[float, float]]
    drift_months: int  # the levels drift for this many months, then stay flat
    premium_scan: float  # scanner usage multiplier on Premium subscriptions
    scanners: tuple[int, ...]  # order in which the account adopts scan types
    subs: list[Subscription] = field(default_factory=list)
    reasons: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def since_date(self) -> str:
        return iso_date(self.since_ym, self.since_day)


def ym_of(text: str) -> int:
    return int(text[:4]) * 12 + int(text[5:7]) - 1


def ym_label(ym: int) -> str:
    return f"{ym // 12:04d}-{ym % 12 + 1:02d}"


def iso_date(ym: int, day: int) -> str:
    return f"{ym_label(ym)}-{day:02d}"


def iso_ts(ym: int, day: int, hour: int, minute: int, second: int) -> str:
    return f"{ym_label(ym)}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"


def random_ts(rng: Rng, ym: int, last: int = 28, hours: tuple[int, int] = (0, 23)) -> str:
    minute, second = rng.randint(0, 59), rng.randint(0, 59)
    return iso_ts(ym, rng.randint(1, last), rng.randint(*hours), minute, second)


def last_day(ym: int) -> int:
    return calendar.monthrange(ym // 12, ym % 12 + 1)[1]


def rng_uuid(rng: Rng) -> str:
    h = f"{rng.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def clamp(x: float, lo: float = 0.0, hi: float = 1.0) -> float:
    return lo if x < lo else hi if x > hi else x


def dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def trajectory(rng: Rng, lo: float = 0.0, hi: float = 1.0) -> tuple[float, float]:
    shape = rng.random()  # 40% flat, 35% improving, 25% degrading
    slope = 0.0 if shape < 0.4 else rng.uniform(0.02, 0.08) * (1 if shape < 0.75 else -1)
    return rng.uniform(lo, hi), slope


def make_account(seed: int, index: int, window_start: int, sub_counter: list[int]) -> Account:
    rng = random.Random(f"{seed}:{index}")
    ages = rng.choices(((-72, -10), (-9, -4), (-3, 0), (1, 5)), (60, 15, 12, 13))[0]
    size = min(25000, int(20 * rng.paretovariate(0.9)))
    head, body, tail = rng.choice(NAME_HEADS), rng.choice(NAME_BODIES), rng.choice(NAME_TAILS)
    style = rng.random()  # a few names that need CSV quoting
    name = f"{head} {body} {tail}"
    if style < 0.04:
        name = f"{head}, {body} & Co" if style < 0.03 else f'{head} "{body}" {tail}'
    trajectories = [trajectory(rng) for _ in range(5)] + [trajectory(rng, 0.35, 1.1)]
    if rng.random() < 0.25:  # deploys with another tool
        trajectories[2] = (trajectories[2][0] * 0.2, 0.0)
    account = Account(
        index=index,
        account_id=f"A{index + 1:06d}",
        name=name,
        since_ym=window_start + rng.randint(*ages),
        since_day=rng.randint(1, 28),
        csm=rng.choice(CSMS),
        segment="SMB" if size < 100 else "Mid-Market" if size < 1000 else "Large",
        trajectories=trajectories,
        drift_months=rng.randint(6, 24),
        premium_scan=0.35 if rng.random() < 0.3 else 0.0,
        scanners=tuple(sorted(range(7), key=lambda i: SCANNER_POPULARITY[i] + 2 * rng.random())),
    )
    slug = f"{head.lower()}-{index + 1}"
    for k in range(rng.choices((1, 2, 3, 4, 5), (55, 27, 10, 5, 3))[0]):
        sub_counter[0] += 1
        sub = make_subscription(rng, account, k, sub_counter[0], size, window_start)
        add_instances(rng, account, sub, k, slug)
        account.subs.append(sub)
    make_reasons(rng, account, window_start)
    return account


def make_subscription(
    rng: Rng,
    account: Account,
    k: int,
    number: int,
    size: int,
    window_start: int,
) -> Subscription:
    start_ym = account.since_ym if k == 0 else account.since_ym + rng.randint(1, 30)
    tier = "Ultimate" if rng.random() < 0.4 else "Premium"
    churn_ym = None
    if rng.random() < 0.15:  # churn at the first or second anniversary after the window start
        first = max(1, -(-(window_start - start_ym) // 12))
        churn_ym = start_ym + 12 * (first + rng.randint(0, 1))
    return Subscription(
        subscription_id=f"S{number:07d}",
        tier=tier,
        delivery="SaaS" if rng.random() < 0.25 else "Self-Managed",
        start_ym=start_ym,
        start_day=account.since_day if k == 0 else rng.randint(1, 28),
        churn_ym=churn_ym,
        seats=max(5, round(size * (rng.uniform(0.5, 1.0) if k == 0 else rng.uniform(0.05, 0.5)))),
        seat_growth=rng.uniform(-0.1, 0.3),
        price_cents=round(PRICE_PER_SEAT_MONTH[tier] * 1200 * rng.uniform(0.62, 1.0)),
        addon_start_ym=start_ym + rng.randint(0, 12) if rng.random() < 0.17 else None,
        addon_cents=rng.randint(50_000, 2_500_000),
    )


def add_instances(rng: Rng, account: Account, sub: Subscription, k: int, slug: str) -> None:
    if sub.delivery == "SaaS":  # namespace id: a bijection of (account, subscription), no clash
        namespace = 1_000_000 + ((account.index * 5 + k) * 2654435761) % 90_000_000
        sub.instances.append(make_instance(rng, str(namespace), "gitlab.com", "Production", sub))
        return
    prod = make_instance(rng, rng_uuid(rng), f"gitlab.{slug}.example", "Production", sub)
    prod.pings = rng.random() > 0.04
    sub.instances.append(prod)
    for env in ("staging", "dev")[: rng.choices((0, 1, 2), (58, 32, 10))[0]]:
        host = f"gitlab-{env}{k or ''}.{slug}.example"
        instance = make_instance(rng, rng_uuid(rng), host, "Non-Production", sub)
        instance.start_ym += rng.randint(0, 6)
        sub.instances.append(instance)


def make_instance(rng: Rng, uuid: str, host: str, kind: str, sub: Subscription) -> Instance:
    user_factor, usage = 1.0, 1.0
    if kind == "Non-Production":
        bigger = rng.random() < 0.15  # more billable users than production
        user_factor = rng.uniform(1.05, 1.3) if bigger else rng.uniform(0.1, 0.6)
        usage = rng.uniform(0.3, 1.0)
    saas = host == "gitlab.com"
    installs = ("omnibus-gitlab", "omnibus-gitlab", "gitlab-helm-chart", "docker")
    old_version = None
    if not saas and rng.random() < 0.1:  # stays on an old release
        minor, last_patch = rng.choice(OLD_RELEASES)
        old_version = f"{minor}.{rng.randint(0, last_patch)}-ee"
    return Instance(
        uuid=uuid,
        hostname=host,
        label=kind if rng.random() < 0.85 else None,
        labeled_at=random_ts(rng, sub.start_ym + rng.randint(0, 2), hours=(8, 18)),
        start_ym=sub.start_ym,
        user_factor=user_factor,
        usage_factor=usage,
        version_lag=0 if saas else rng.choice((0, 1, 1, 2, 3, 4, 6, 9)),
        old_version=old_version,
        installation_type="gitlab-saas" if saas else rng.choice(installs),
    )


def make_reasons(rng: Rng, account: Account, window_start: int) -> None:
    """CSM lack-of-adoption reasons: ~75% of accounts, 1-3 entries for one use case."""
    if rng.random() >= 0.75:
        return
    ultimate = any(s.tier == "Ultimate" for s in account.subs)
    use_case = "Security" if ultimate and rng.random() < 0.55 else "CI"
    pool = CI_REASONS if use_case == "CI" else SECURITY_REASONS
    green = clamp(sum(account.trajectories[1 if use_case == "CI" else 3])) > 0.8
    ym = max(account.since_ym, window_start) + rng.randint(0, 5)
    for _ in range(rng.choices((1, 2, 3), (70, 22, 8))[0]):
        if rng.random() < 0.05:
            reason = rng.choice(FREE_TEXT_REASONS)
        else:
            reason = pool[-1] if green and rng.random() < 0.7 else rng.choice(pool[:-1])
        account.reasons.append((use_case, reason, random_ts(rng, ym, hours=(7, 20))))
        ym += rng.randint(1, 6)


def release(ym: int, lag: int, saas: bool, patch: int) -> str:
    n = ym - lag - (2023 * 12 + 4)  # 16.0 shipped in May 2023, then one minor a month
    major, minor = 16 + n // 12, n % 12
    return f"{major}.{minor}.0-pre" if saas else f"{major}.{minor}.{patch}-ee"


def major_minor(version: str) -> tuple[int, int]:
    """(major, minor) of a version string such as ``15.11.3-ee``, ``17.3.0-pre`` or ``17.3.2``."""
    major, minor, _ = version.split(".", 2)
    return int(major), int(minor)


def metric_values(rng: Rng, b: int, lv: list[float], scanners: Sequence[int]) -> Metrics:
    """Metric leaves (METRIC_PATHS order) for ``b`` billable users at adoption levels ``lv``.

    Returns the values (failed leaves already -1 or -2) and the indexes of the leaves to leave out.
    """
    r = rng.random
    scm, ci, cd, sec, eng = lv[0], lv[1], lv[2], lv[3], lv[4]
    projects = round(b * (0.6 + 2 * r())) + 1
    builds = round(b * math.exp(LN_BUILDS[0] + ci * LN_BUILDS[1]) * (0.9 + 0.2 * r()))
    pipelines = round(builds / (3 + 5 * r()))
    deploys = round(b * math.exp(LN_DEPLOYS[0] + cd * LN_DEPLOYS[1]) * (0.6 + 0.8 * r()))
    success = round(deploys * clamp(0.1 + 0.85 * cd + 0.2 * (r() - 0.5)))
    vals = [projects, projects * (8 + int(20 * r())), projects * (3 + int(10 * r())), builds]
    vals += [pipelines, deploys, success, deploys - success]
    active = round(b * min(1.0, (0.3 + 0.65 * eng) * (0.92 + 0.16 * r())))
    vals.append(round(b * (0.02 + 0.55 * scm) * (0.85 + 0.3 * r())))
    vals.append(round(b * (0.02 + 0.5 * ci) * (0.85 + 0.3 * r())))
    vals.append(round(b * (0.01 + 0.2 * cd) * (0.85 + 0.3 * r())))
    vals.append(round(projects * 0.5 * r() * ci))
    vals.append(round(b * 0.35 * sec * (0.8 + 0.4 * r())))
    vals += [0, 0, 0, 0, 0, 0, 0, active, round(b * 0.4 * r())]
    n_types = min(7, int(sec * 7.99 + 1.5 * (r() - 0.5))) if sec > 0 else 0
    if n_types > 0:  # adopted scan types share the scans of the pipelines
        per_type = pipelines * math.exp(LN_SCANS[0] + sec * LN_SCANS[1]) / n_types
        for slot in scanners[:n_types]:
            vals[13 + slot] = round(per_type * (0.3 + 1.4 * r())) + (1 if pipelines else 0)
    absent: list[int] = []
    i = int(math.log(1.0 - r()) / LOG_KEEP)  # geometric gaps between missing leaves
    while i < len(vals):
        if (y := r()) < 0.6:  # failed: -1 (70%) or -2
            vals[i] = -1 if y < 0.42 else -2
        else:
            absent.append(i)
        i += 1 + int(math.log(1.0 - r()) / LOG_KEEP)
    return vals, absent


def metric_tree(v: list[int], absent: list[int], drop_secure: bool, ver: tuple[int, int]) -> dict[str, Any]:
    """The nested metric objects of a payload (a literal: much faster than a generic build).

    ``ver`` is the (major, minor) of the sending version: older ones lack some counters.
    """
    stage = {
        "create": {"action_monthly_active_users_project_repo": v[8]},
        "verify": {"ci_pipelines": v[9]},
        "release": {"deployments": v[10]},
        "package": {"projects_with_packages": v[11]},
        "secure": dict(zip(SECURE_KEYS, v[12:20], strict=True)),
    }
    monthly = {
        "ci_builds": v[3],
        "ci_internal_pipelines": v[4],
        "deployments": v[5],
        "successful_deployments": v[6],
        "failed_deployments": v[7],
    }
    tree = {
        "counts": {"projects": v[0], "issues": v[1], "merge_requests": v[2]},
        "counts_monthly": monthly,
        STAGE: stage,
        "redis_hll_counters": {
            "manage": {"unique_active_users_monthly": v[20]},
            "search": {"i_search_total_unique_counts_monthly": v[21]},
        },
    }
    for i in absent:
        *parents, leaf = METRIC_PATHS[i].split(".")
        node: dict[str, Any] = tree
        for key in parents:
            node = node[key]
        del node[leaf]
    if ver < CI_BUILDS_SINCE:  # versions without these counters
        monthly.pop("ci_builds", None)
        if ver < CI_INTERNAL_PIPELINES_SINCE:
            monthly.pop("ci_internal_pipelines", None)
            if ver < UNIQUE_ACTIVE_USERS_SINCE:
                del tree["redis_hll_counters"]["manage"]
    if drop_secure:
        del stage["secure"]
    return tree


class MonthWriter:
    """One usage_pings month file: buffered lines, bad-record injection and counts."""

    def __init__(self, path: Path, compress: bool, month: int) -> None:
        self.file = path.open("wb")
        binary: IO[bytes] = self.file
        if compress:  # no file name and mtime 0 in the header: byte-identical output
            binary = gzip.GzipFile(filename="", mode="wb", fileobj=self.file, mtime=0)
        self.fh = io.TextIOWrapper(binary, encoding="utf-8", newline="\n")
        self.month = month
        self.buf: list[str] = []
        self.lines = self.account_pings = self.instance_months = self.ties = 0
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

    def account_ping(self, rng: Rng, ping: dict[str, Any]) -> None:
        line = DUMPS(ping)
        self.write(line)
        self.account_pings += 1
        self.last = (ping, line)
        x = rng.random()
        if x < P_BAD_EACH * len(BAD_KINDS):
            self.bad(rng, BAD_KINDS[int(x / P_BAD_EACH)], ping, line)

    def bad(self, rng: Rng, kind: str, ping: dict[str, Any], line: str) -> None:
        """Write one bad record of ``kind`` derived from a valid ping (new id but duplicates)."""
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
            bad["recorded_at"] = BAD_TIMESTAMPS[self.kinds[kind] % len(BAD_TIMESTAMPS)]
        elif kind == "missing_recorded_at":
            del bad["recorded_at"]
        elif kind == "future_recorded_at":
            ts = bad["recorded_at"]
            bad["recorded_at"] = f"2099-{ts[5:8]}{min(int(ts[8:10]), 28):02d}{ts[10:]}"
        text = DUMPS(bad)
        self.write(text[: len(text) // 2] if kind == "malformed_json" else text)

    def close(self, seed: int) -> None:
        """Add one record of each bad kind not written yet (if the month has pings), close."""
        if self.last is not None and self.account_pings >= 5:
            rng = random.Random(f"{seed}:fallback:{ym_label(self.month)}")
            for kind in BAD_KINDS:
                if self.kinds[kind] == 0:
                    self.bad(rng, kind, *self.last)
        self.flush()
        self.fh.close()  # closes the GzipFile, which leaves its file object open
        self.file.close()

    def entry(self, name: str) -> dict[str, Any]:
        """This month's entry of _manifest.json."""
        rejects = {reason: 0 for reason in REJECT_KINDS.values()}
        for kind, reason in REJECT_KINDS.items():
            rejects[reason] += self.kinds[kind]
        rejected = sum(rejects.values())
        return {
            "file": name,
            "lines": self.lines,
            "accepted": self.lines - rejected,
            "rejected": rejected,
            "rejected_by_reason": rejects,
            "instance_months": self.instance_months,
            "recorded_at_ties": self.ties,
            "bad_records": {kind: self.kinds[kind] for kind in REJECT_KINDS},
            "data_quality": {kind: self.kinds[kind] for kind in DQ_KINDS},
        }


def user_counts(ping: dict[str, Any], r: Callable[[], float], b: int, x: float, billable_key: bool) -> None:
    """Add the user counts of an EE ping with ``b`` billable users (``x``: a uniform draw).

    From 14.0 on, ``license_billable_users`` is ``b`` (-1 for ~0.5%) and ``active_user_count``
    also counts guests and bots; older versions send only ``active_user_count`` = ``b``. Both
    are null for ~0.3%.
    """
    if x < 0.003:
        if billable_key:
            ping["license_billable_users"] = None
        ping["active_user_count"] = None
    elif billable_key:
        ping["license_billable_users"] = -1 if 0.006 <= x < 0.011 else b
        ping["active_user_count"] = round(b * (1.0 + 0.25 * r())) + int(4 * r())
    else:
        ping["active_user_count"] = b


def instance_pings(
    rng: Rng,
    account: Account,
    sub: Subscription,
    inst: Instance,
    ym: int,
    levels: list[float],
    out: MonthWriter,
) -> None:
    """1-3 pings of one instance in month ``ym`` (none for ~8% of instance-months)."""
    r = rng.random
    if r() < 0.08:
        return
    k = 1 if (x := r()) < 0.45 else 2 if x < 0.8 else 3
    end = last_day(ym)
    days = [1 + int((j + r()) * end / k) for j in range(k)]  # distinct: one per k-th of month
    times = [[day, int(24 * r()), int(60 * r()), int(60 * r())] for day in days]
    if r() < 0.35:  # late on the last day of the month
        times[-1] = [end, 20 + int(4 * r()), int(60 * r()), int(60 * r())]
    if k > 1 and r() < 0.01:  # two pings with the same latest recorded_at
        times[-2] = times[-1]
        out.ties += 1
    seats = sub.seats_at(ym)
    users = seats * levels[5] * inst.user_factor
    lv = [x * inst.usage_factor for x in levels[:5]]
    lv[3] *= 1.0 if sub.tier == "Ultimate" else account.premium_scan
    licensed = seats if r() > 0.1 else max(1, round(seats * (0.85 + 0.25 * r())))
    version = release(ym, inst.version_lag, inst.hostname == "gitlab.com", int(9 * r()))
    ver = major_minor(version)
    if inst.old_version is not None and (old := major_minor(inst.old_version)) < ver:
        version, ver = inst.old_version, old
    billable_key = ver >= BILLABLE_SINCE
    month, plan = ym_label(ym), sub.tier.lower()
    out.instance_months += 1
    for day, hour, minute, second in times:
        b = 0 if r() < 0.005 else min(round(seats * 1.1), round(users * (0.95 + 0.1 * r())) or 1)
        x = r()
        ping: dict[str, Any] = {
            "id": rng_uuid(rng),
            "uuid": inst.uuid,
            "hostname": inst.hostname,
            "recorded_at": f"{month}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z",
            "version": version,
            "edition": "EE",
            "installation_type": inst.installation_type,
            "license_plan": plan,
            "license_subscription_id": sub.subscription_id,
            "license_user_count": None if 0.003 <= x < 0.006 else licensed,
        }
        user_counts(ping, r, b, x, billable_key)
        vals, absent = metric_values(rng, b, lv, account.scanners)
        ping.update(metric_tree(vals, absent, r() < 0.015, ver))
        out.account_ping(rng, ping)


def account_pings(seed: int, account: Account, ym: int, t: int, out: MonthWriter) -> None:
    """Pings of one account in month ``ym`` (``t`` months after the window start)."""
    subs = [s for s in account.subs if s.active(ym)]
    if not subs:
        return
    rng = random.Random(f"{seed}:{account.index}:{ym_label(ym)}")
    ramp = min(1.0, (ym - account.since_ym + 1) / 5)  # young accounts ramp up
    t = min(t, account.drift_months)
    levels = [clamp(s + k * t + rng.gauss(0, 0.05)) for s, k in account.trajectories[:5]]
    s, k = account.trajectories[5]
    levels.append(clamp(s + k * t + rng.gauss(0, 0.04), 0.1, 1.1) * ramp)
    levels[1] *= ramp
    levels[2] *= ramp
    for sub in subs:
        for inst in sub.instances:
            if inst.pings and inst.start_ym <= ym:
                instance_pings(rng, account, sub, inst, ym, levels, out)


def stray_pings(seed: int, n: int, ym: int, out: MonthWriter) -> None:
    """Valid pings of extra instances (not in instances.csv): unknown or null subscription.

    The null-subscription ones are Community Edition: no license keys, no ``secure`` subtree.
    """
    rng = random.Random(f"{seed}:stray:{ym_label(ym)}")
    for i in range(2 * n):
        unknown = i % 2 == 0
        inst_rng = random.Random(f"{seed}:stray-instance:{i}")
        uuid, users = rng_uuid(inst_rng), inst_rng.randint(3, 400)
        lv = [inst_rng.random() for _ in range(5)]
        b = round(users * rng.uniform(0.6, 1.0))
        ping_id, recorded_at = rng_uuid(rng), random_ts(rng, ym, last_day(ym))
        version = release(ym, inst_rng.randint(0, 6), False, rng.randint(0, 8))
        ping: dict[str, Any] = {
            "id": ping_id,
            "uuid": uuid,
            "hostname": f"gitlab.trial-{i + 1}.example",
            "recorded_at": recorded_at,
            "version": version if unknown else version.removesuffix("-ee"),
            "edition": "EE" if unknown else "CE",
            "installation_type": "omnibus-gitlab",
        }
        ver = major_minor(version)
        if unknown:
            ping["license_plan"] = "ultimate"
            ping["license_subscription_id"] = f"S{9999000 + i // 2:07d}"
            ping["license_user_count"] = users
            user_counts(ping, rng.random, b, rng.random(), ver >= BILLABLE_SINCE)
        else:
            ping["active_user_count"] = b
        ping.update(metric_tree(*metric_values(rng, b, lv, range(7)), not unknown, ver))
        out.write(DUMPS(ping))
        out.instance_months += 1
        out.kinds["unknown_subscription" if unknown else "null_subscription"] += 1


CSV_HEADERS = {
    "accounts.csv": "account_id,account_name,customer_since_date,csm_name,sales_segment",
    "subscriptions.csv": "subscription_id,account_id,product_tier,delivery_type,"
    "subscription_start_date,subscription_end_date",
    "arr_monthly.csv": "arr_month,subscription_id,product_category,product_tier,arr,seats",
    "instances.csv": "uuid,hostname,instance_type,labeled_at",
    "adoption_reasons.csv": "account_id,use_case,reason,updated_at",
}


def write_csv(path: Path, rows: Iterable[Iterable[Any]]) -> int:
    """Write one landing-zone CSV (header from CSV_HEADERS); return its number of rows."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_HEADERS[path.name].split(","))
        count = 0
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def id_hash(text: str) -> int:
    return zlib.crc32(text.encode())


def tier_as_written(sub: Subscription) -> str:
    """The tier as the feed writes it: the legacy name for ~1 in 10 SaaS subscriptions."""
    legacy = sub.delivery == "SaaS" and id_hash(sub.subscription_id) % 10 == 0
    return LEGACY_TIERS[sub.tier] if legacy else sub.tier


def label_as_written(instance: Instance) -> str | None:
    """The CSM's label as typed: ~3% in lower case, ~1% of Non-Production ones `Staging`."""
    h = id_hash(instance.uuid) % 100
    if instance.label == "Non-Production" and h == 99:
        return "Staging"
    return instance.label.lower() if instance.label and h < 3 else instance.label


def static_rows(accounts: list[Account], end: int) -> dict[str, list[tuple[Any, ...]]]:
    """Rows of the CSVs other than ARR: what exists by the end of the window."""
    live = [a for a in accounts if a.since_ym <= end]
    subs = [(a, s) for a in live for s in a.subs]

    def term_end(s: Subscription) -> str:  # the first renewal after the window, or the churn
        renewal = s.start_ym + 12 * ((end - s.start_ym) // 12 + 1)
        return iso_date(min(renewal, s.churn_ym or renewal), s.start_day)

    return {
        "accounts.csv": [(a.account_id, a.name, a.since_date, a.csm, a.segment) for a in live],
        "subscriptions.csv": [
            (s.subscription_id, a.account_id, tier_as_written(s), s.delivery, s.start_date, term_end(s))
            for a, s in subs
            if s.start_ym <= end
        ],
        "instances.csv": [
            (i.uuid, i.hostname, label_as_written(i), i.labeled_at)
            for _, s in subs
            for i in s.instances
            if i.label and i.start_ym <= end
        ],
        "adoption_reasons.csv": [
            (a.account_id, *reason) for a in live for reason in a.reasons if ym_of(reason[2]) <= end
        ],
    }


def arr_rows(accounts: list[Account], start: int, end: int, totals: dict[str, int]) -> Iterator:
    """Rows of arr_monthly.csv, month by month; adds each month's total cents to ``totals``."""
    for ym in range(start, end + 1):
        month, cents = iso_date(ym, 1), 0
        for sub in (sub for account in accounts for sub in account.subs if sub.active(ym)):
            seats = sub.seats_at(ym)
            base = seats * sub.price_cents
            cents += base
            tier = tier_as_written(sub)
            yield month, sub.subscription_id, "Base Products", tier, dollars(base), seats
            if sub.addon_start_ym is not None and ym >= sub.addon_start_ym:
                cents += sub.addon_cents
                addon_tier = ADDON_TIERS[id_hash(sub.subscription_id) % len(ADDON_TIERS)] or tier
                yield month, sub.subscription_id, "Add-on", addon_tier, dollars(sub.addon_cents), 0
        totals[ym_label(ym)] = cents


STATE: dict[str, Any] = {}  # per process: the run's arguments and accounts


def init_state(args: argparse.Namespace) -> None:
    """Build the accounts once per process (a forked worker inherits them)."""
    if STATE.get("args") != args:
        seed, start, counter = args.seed, ym_of(args.start_month), [0]
        STATE["accounts"] = [make_account(seed, i, start, counter) for i in range(args.accounts)]
        STATE["args"] = args


def month_file(ym: int) -> dict[str, Any]:
    """Write the usage_pings file of one month; return its manifest entry."""
    args: argparse.Namespace = STATE["args"]
    name = f"usage_pings/{ym_label(ym)}.ndjson" + (".gz" if args.gzip else "")
    writer = MonthWriter(args.out / name, args.gzip, ym)
    t = ym - ym_of(args.start_month)
    for account in STATE["accounts"]:
        if account.since_ym <= ym:
            account_pings(args.seed, account, ym, t, writer)
    stray_pings(args.seed, max(1, args.accounts // 500), ym, writer)
    writer.close(args.seed)
    return writer.entry(name)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    p.add_argument("--out", required=True, type=Path, help="output directory (created if needed)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--accounts", type=int, default=200)
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--start-month", help="YYYY-MM (default: the last month is the previous one)")
    p.add_argument("--gzip", action="store_true", help="write usage_pings/*.ndjson.gz")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("--jobs", type=int, default=min(4, os.cpu_count() or 1), help="processes")
    args = p.parse_args(argv)
    if min(args.accounts, args.months, args.jobs) < 1:
        p.error("--accounts, --months and --jobs must be >= 1")
    if args.start_month is None:
        now = datetime.now(UTC)
        args.start_month = ym_label(now.year * 12 + now.month - 1 - args.months)
    try:
        args.start_month = datetime.strptime(args.start_month, "%Y-%m").strftime("%Y-%m")
    except ValueError:
        p.error("--start-month must be YYYY-MM")
    return args


def clear_previous_output(out: Path) -> None:
    """Remove what an earlier run of this generator wrote into `out` (the files its _manifest.json
    lists), so that a shorter history leaves no stale month behind. Anything else in `out` is never
    touched: a directory holding files this generator did not write is refused, not cleaned."""
    if not out.exists():
        return
    previous = out / "_manifest.json"
    written = {previous}
    if previous.exists():
        try:
            written |= {out / name for name in json.loads(previous.read_text(encoding="utf-8"))["files"]}
        except (ValueError, KeyError, TypeError) as error:
            raise SystemExit(
                f"--out {out}: {previous} is not this generator's manifest ({error}); use another directory"
            ) from error
    foreign = sorted(path for path in out.rglob("*") if path.is_file() and path not in written)
    if foreign:
        shown = ", ".join(str(path.relative_to(out)) for path in foreign[:3])
        raise SystemExit(
            f"--out {out} holds {len(foreign)} file(s) this generator did not write ({shown}"
            f"{', ...' if len(foreign) > 3 else ''}); give an empty or new directory, or an earlier output of it"
        )
    for path in written:
        path.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    began = time.monotonic()
    out: Path = args.out
    clear_previous_output(out)
    (out / "usage_pings").mkdir(parents=True, exist_ok=True)
    init_state(args)
    start = ym_of(args.start_month)
    end = start + args.months - 1
    static = static_rows(STATE["accounts"], end)
    rows = {name: write_csv(out / name, lines) for name, lines in static.items()}
    months: dict[str, Any] = {}
    arr_cents: dict[str, int] = {}
    jobs = min(args.jobs, args.months)
    with multiprocessing.Pool(jobs, init_state, (args,)) if jobs > 1 else nullcontext() as pool:
        entries = (pool.imap if pool else map)(month_file, range(start, end + 1))
        # the workers write month files meanwhile
        arr = arr_rows(STATE["accounts"], start, end, arr_cents)
        rows["arr_monthly.csv"] = write_csv(out / "arr_monthly.csv", arr)
        for ym, entry in zip(range(start, end + 1), entries, strict=True):
            months[ym_label(ym)] = entry
            rows[entry["file"]] = entry["lines"]
            done, elapsed = sum(m["lines"] for m in months.values()), time.monotonic() - began
            if not args.quiet:
                print(
                    f"[landing-zone] {ym_label(ym)}: {entry['lines']:,} lines; {done:,} so far, "
                    f"{elapsed:,.1f}s, {done / elapsed:,.0f} lines/s",
                    file=sys.stderr,
                )
    elapsed = time.monotonic() - began
    totals = {k: sum(m[k] for m in months.values()) for k in ("lines", "accepted", "rejected")}
    files = {f: {"rows": n, "bytes": (out / f).stat().st_size} for f, n in sorted(rows.items())}
    manifest = {
        "seed": args.seed,
        "accounts": args.accounts,
        "start_month": ym_label(start),
        "end_month": ym_label(end),
        "gzip": args.gzip,
        "reject_reason_of_kind": REJECT_KINDS,
        "data_quality_kinds": DQ_KINDS,
        "totals": totals,
        "arr_total_by_month": {month: dollars(cents) for month, cents in arr_cents.items()},
        "months": months,
        "files": files,
    }
    (out / "_manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    for name, info in files.items():
        print(f"{name}\t{info['rows']} rows\t{info['bytes']} bytes")
    print(f"total\t{totals['lines']} ping lines\t{elapsed:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
