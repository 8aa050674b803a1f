"""One nightly run: fetch -> validate -> build -> check -> guard -> publish atomically; report what changed.

Any failure leaves the published site as it was. The exit code names the gate that failed:
0 published (or nothing changed), 2 config or fetch, 3 validate, 4 build, 5 checks, 6 delta guard, 7 publish.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from .. import pipeline
from ..cache.store import StageCache
from ..outputs import buildinfo
from ..outputs import processed as io
from ..outputs import reports
from ..config import load_config
from ..problems import GateFailed, SchoolfinderError
from . import changes, checks, fetch, publish, scope
from .report import write_change_report

ROOT = Path(__file__).resolve().parents[3]
EXIT = {"config": 2, "fetch": 2, "validate": 3, "build": 4, "check": 5, "delta": 6, "publish": 7}


class Run:
    """The state of one nightly run: where it writes, what it has measured, what it says."""

    def __init__(self, root: Path):
        self.root, self.timings, self.cpu, self.started = root, {}, {}, time.monotonic()

    def step(self, name: str, action):
        """Run one step, log its wall time and CPU time (this process and the children it waited for: the wall
        time of a busy shared machine says little), and return its result."""
        began, cpu = time.monotonic(), _cpu_seconds()
        print(f"[{name}] ...", flush=True)
        try:
            return action()
        finally:
            self.timings[name] = round(time.monotonic() - began, 2)
            self.cpu[name] = round(_cpu_seconds() - cpu, 2)
            print(f"[{name}] {self.timings[name]:.2f} s ({self.cpu[name]:.2f} s CPU)", flush=True)


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its children that have ended."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def nightly(city: Path, root: Path, allow_delta: bool = False, force: bool = False) -> int:
    """Run every step for ``city`` and publish under ``root``; return the exit code."""
    root = root.resolve()
    root.mkdir(parents=True, exist_ok=True)
    run = Run(root)
    try:
        status = _steps(run, city, allow_delta, force)
    except GateFailed as failed:
        _record(run, {"status": "failed", "gate": failed.gate, "problems": failed.problems})
        print(f"FAILED gate {failed.gate}: the published site is unchanged", file=sys.stderr)
        for line in failed.problems[:50]:
            print(f"  {line}", file=sys.stderr)
        return EXIT[failed.gate.split(":")[0]]
    _record(run, status)
    return 0


def _steps(run: Run, city: Path, allow_delta: bool, force: bool) -> dict:
    config = _gate("config", lambda: load_config(city))
    rules = config.nightly
    live = publish.current_build(run.root)
    staging = publish.new_staging(run.root, "run")
    snapshot = staging / "inputs"
    fetched = run.step("fetch", lambda: _gate("fetch", lambda: fetch.fetch_inputs(config, rules["fetch"], snapshot)))
    config = dataclasses.replace(config, data_dir=snapshot)
    info = buildinfo.build_info(config, fetched)
    live_info = _live_info(live)
    if not force and live_info and (live_info["id"], live_info["stale"]) == (info["id"], info["stale"]):
        shutil.rmtree(staging, ignore_errors=True)
        print(f"unchanged: inputs and code as in the published build {info['id']}; nothing rebuilt")
        return {"status": "unchanged", "build_id": info["id"]}
    # axe's browser boots in a thread of its own while the data is validated and the site built (the other core)
    browser = checks.AxeBrowser(staging / "site") if rules["axe_pages"] else None
    try:
        return _build_and_publish(run, config, rules, staging, info, live, allow_delta, fetched, browser)
    finally:
        if browser:
            browser.close()


def _build_and_publish(run: Run, config, rules: dict, staging: Path, info: dict, live: Path | None, allow_delta: bool,
                       fetched: dict, browser) -> dict:
    snapshot = staging / "inputs"
    cache = StageCache(run.root / "cache", {name: facts["sha256"] for name, facts in fetched.items()})
    result = run.step("validate", lambda: _gate("validate", lambda: pipeline.run(config, cache)))
    print(cache.summary())
    run.step("write", lambda: (io.write_processed(result, staging / "processed", info), reports.write_reports(result, staging / "reports")))
    old = changes.load(live / "processed") if live else None
    new = changes.load(staging / "processed")
    report = changes.compare(old, new) if old else None
    if report:
        problems = changes.delta_problems(old, new, rules, report)
        if problems and not allow_delta:
            write_change_report(report, run.root / "last-failure", info, problems)
            raise GateFailed("delta", problems + ["(run again with --allow-delta once a person has checked the data)"])
    pages = run.root / "cache" / "pages"
    run.step("build", lambda: _pelican(staging / "processed", staging / "site", pages))
    run.step("check", lambda: _checks(staging / "site", rules, scope.rendered_pages(pages), run.root / "cache" / "axe.json",
                                      browser))
    manifest = {**json.loads((staging / "site" / "build-manifest.json").read_text(encoding="utf-8")),
                "timings": run.timings, "delta_overridden": bool(report and allow_delta)}
    (staging / "build-manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if report:
        write_change_report(report, staging, info, [])
    reused, changed = run.step("reuse", lambda: publish.reuse_unchanged(staging / "site", live / "site" if live else None))
    shutil.rmtree(snapshot)  # the inputs' hashes are in the manifest; the files stay where they came from
    target = run.step("publish", lambda: _gate("publish", lambda: publish.publish(run.root, staging, info["id"], rules["keep_builds"])))
    print(f"published build {info['id']} -> {target}: {changed:,} files new or changed, {reused:,} unchanged (kept as links)")
    return {"status": "published", "build_id": info["id"], "files_changed": changed, "files_reused": reused,
            "changes": report["counts"] if report else None}


def _gate(name: str, action):
    try:
        return action()
    except (SchoolfinderError, OSError) as exc:
        raise GateFailed(name, [str(exc)]) from None


def _live_info(live: Path | None) -> dict | None:
    path = live / "build-manifest.json" if live else None
    return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None


def _pelican(processed: Path, out: Path, page_cache: Path) -> None:
    """Render the site; pages whose inputs are unchanged come from ``page_cache``, which then lists the re-rendered
    ones in rendered.json (removed first, so a list never outlives the run that wrote it); maps whose inputs are
    unchanged come from the map cache beside it."""
    page_cache.mkdir(parents=True, exist_ok=True)
    (page_cache / scope.RENDERED).unlink(missing_ok=True)
    env = {**os.environ, "SCHOOLFINDER_PROCESSED": str(processed), "PYTHONPATH": str(ROOT / "plugins"),
           "SCHOOLFINDER_PAGE_CACHE": str(page_cache), "SCHOOLFINDER_MAP_CACHE": str(page_cache.parent / "maps")}
    proc = subprocess.run([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(out),
                           "--fatal", "errors", "-q"], cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode:
        raise GateFailed("build", (proc.stdout + proc.stderr).strip().splitlines()[-20:])


def _checks(site: Path, rules: dict, rendered: list[str] | None, axe_memo: Path, browser=None) -> None:
    """Links, origins and budgets on the re-rendered pages plus the fixed sample (the whole site without a list of
    re-rendered pages); axe on the fixed sample, skipping pages it passed with the same bytes, styles and scripts."""
    pages = scope.pages_to_check(site, rendered, rules["axe_pages"])
    print(f"checking {'every page' if pages is None else f'{len(pages):,} pages ({len(rendered):,} re-rendered + fixed sample)'}")
    found = {**checks.reference_problems(site, pages=pages), "budgets": checks.budget_problems(site, rules["budgets"], pages)}
    for name, problems in found.items():
        if problems:
            raise GateFailed(f"check:{name}", problems)
    if rules["axe_pages"]:
        sample = checks.sample_pages(site, rules["axe_pages"])
        problems, opened = scope.axe_problems(site, sample, axe_memo, browser)
        print(f"axe: {opened} of {len(sample)} sample pages opened (the rest passed before with the same bytes)")
        if problems:
            raise GateFailed("check:axe", problems)


def _record(run: Run, status: dict) -> None:
    """``last-run.json`` beside the builds: what happened, for staff and for alerting."""
    status = {**status, "timings": run.timings, "cpu": {**run.cpu, "total": round(_cpu_seconds(), 2)},
              "seconds": round(time.monotonic() - run.started, 2)}
    (run.root / "last-run.json").write_text(json.dumps(status, indent=1, sort_keys=True) + "\n", encoding="utf-8")
