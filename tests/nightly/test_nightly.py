"""Nightly runs on the demo city: every failure keeps the published build; publishing is atomic; changes reported."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from schoolfinder.nightly import changes, publish
from tests.browser import serve

ROOT = Path(__file__).resolve().parents[2]
BUILD_DATE = "2026-11-22"


def city_file(folder: Path, exports: Path, fetch: dict[str, str], **nightly) -> Path:
    """The demo city.toml reading ``exports``, with a [nightly] section."""
    text = (ROOT / "data" / "demo" / "city.toml").read_text(encoding="utf-8")
    text = re.sub(r'(?m)^data_dir = .*$', f'data_dir = "{exports}"', text)
    lines = ["", "[nightly]", f"axe_pages = {nightly.pop('axe_pages', 0)}"]
    lines += [f"{k} = {toml_value(v)}" for k, v in nightly.items()]
    lines += ["[nightly.fetch]"] + [f'"{k}" = "{v}"' for k, v in fetch.items()]
    (folder / "city.toml").write_text(text + "\n".join(lines) + "\n", encoding="utf-8")
    return folder / "city.toml"


def toml_value(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value)


def run_nightly(city: Path, root: Path, *flags: str, cache: Path, timeout: int = 600,
                build_date: str = BUILD_DATE) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "BUILD_DATE": build_date, "SCHOOLFINDER_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-m", "schoolfinder", "nightly", str(city), "--root", str(root), *flags],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def live_id(root: Path) -> str:
    """The build id the published site serves: its build-manifest.json and the meta tag of its home page agree."""
    site = root / "current" / "site"
    manifest = json.loads((site / "build-manifest.json").read_text())["id"]
    meta = re.search(r'<meta name="build-id" content="([^"]+)">', (site / "index.html").read_text()).group(1)
    assert manifest == meta
    return manifest


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def edit_csv(path: Path, encoding: str, delimiter: str, change) -> None:
    with open(path, encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle, delimiter=delimiter))
    rows = change(rows)
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter, lineterminator="\n").writerows(rows)


@pytest.fixture(scope="module")
def night(tmp_path_factory):
    """Exports served over HTTP (district file) and file:// (charter file), a publish root, one good first build."""
    from schoolfinder.demo.generator import generate

    base = tmp_path_factory.mktemp("nightly")
    exports, upstream = base / "exports", base / "upstream"
    generate(exports, seed=2026)
    upstream.mkdir()
    for name in ("district_sis.csv", "charter_authorizer.csv"):
        shutil.copy(exports / name, upstream / name)
    with serve(upstream) as http_base:
        fetch = {"district_sis.csv": f"{http_base}/district_sis.csv",
                 "charter_authorizer.csv": (upstream / "charter_authorizer.csv").as_uri()}
        city = city_file(base, exports, fetch, axe_pages=1)
        root, cache = base / "published", base / "cache"
        first = run_nightly(city, root, cache=cache)
        assert first.returncode == 0, first.stdout + first.stderr
        yield {"first_build": (root / "current").resolve(),"base": base, "exports": exports, "upstream": upstream, "city": city, "root": root, "cache": cache,
               "fetch": fetch, "first": first}


def test_first_run_publishes_a_complete_build(night):
    root = night["root"]
    build = (root / "current").resolve()
    assert (root / "current").is_symlink() and build.parent == root / "builds"
    manifest = json.loads((build / "build-manifest.json").read_text())
    assert manifest["id"] == live_id(root) and manifest["counts"]["schools"] > 0
    inputs = manifest["inputs"]
    for name in ("district_sis.csv", "charter_authorizer.csv", "gtfs.zip"):
        assert len(inputs[name]["sha256"]) == 64 and inputs[name]["bytes"] > 0
    assert set(manifest["timings"]) >= {"fetch", "validate", "build", "check"}
    assert "axe" in night["first"].stderr, "the axe gate ran on a sample of pages"
    last = json.loads((root / "last-run.json").read_text())
    assert last["status"] == "published" and "publish" in last["timings"]


def test_no_change_run_rebuilds_nothing_quickly(night):
    before = live_id(night["root"])
    started = time.monotonic()
    again = run_nightly(night["city"], night["root"], cache=night["cache"])
    seconds = time.monotonic() - started
    assert again.returncode == 0 and "unchanged" in again.stdout, again.stdout + again.stderr
    assert live_id(night["root"]) == before and len(list((night["root"] / "builds").iterdir())) == 1
    print(f"\nno-change nightly run: {seconds:.2f} s")


def test_failed_validation_keeps_the_published_build(night):
    before, site_hash = live_id(night["root"]), tree_hash(night["root"] / "current" / "site")
    upstream = night["upstream"] / "district_sis.csv"
    good = upstream.read_bytes()
    drop = good.decode().splitlines()[0].split(",").index("SCHOOL_NAME")
    edit_csv(upstream, "utf-8", ",", lambda rows: [[c for i, c in enumerate(r) if i != drop] for r in rows])
    try:
        failed = run_nightly(night["city"], night["root"], cache=night["cache"])
    finally:
        upstream.write_bytes(good)
    assert failed.returncode == 3, failed.stdout + failed.stderr
    assert "FAILED gate validate" in failed.stderr and "district_sis.csv" in failed.stderr and "SCHOOL_NAME" in failed.stderr
    assert live_id(night["root"]) == before and tree_hash(night["root"] / "current" / "site") == site_hash
    assert json.loads((night["root"] / "last-run.json").read_text())["gate"] == "validate"


def test_failed_check_keeps_the_published_build(night, tmp_path):
    before = live_id(night["root"])
    city = city_file(tmp_path, night["exports"], night["fetch"], budgets={"schools/*/index.html": 500})
    failed = run_nightly(city, night["root"], cache=night["cache"])
    assert failed.returncode == 5, failed.stdout + failed.stderr
    assert "FAILED gate check:budgets" in failed.stderr and "budget 500" in failed.stderr
    assert live_id(night["root"]) == before


def test_sigkill_mid_build_leaves_no_partial_output(night):
    before, site_hash = live_id(night["root"]), tree_hash(night["root"] / "current" / "site")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "BUILD_DATE": BUILD_DATE, "SCHOOLFINDER_CACHE": str(night["cache"])}
    proc = subprocess.Popen([sys.executable, "-m", "schoolfinder", "nightly", str(night["city"]), "--root",
                             str(night["root"]), "--force"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    staging = night["root"] / "staging"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(staging.glob("*/site/schools")):  # Pelican is writing pages
        time.sleep(0.05)
    assert list(staging.glob("*/site/schools")), "the build never reached the page-writing step"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert live_id(night["root"]) == before and tree_hash(night["root"] / "current" / "site") == site_hash
    assert publish.read_history(night["root"])[-1] == before
    after = run_nightly(night["city"], night["root"], "--force", cache=night["cache"])  # the next night recovers
    assert after.returncode == 0, after.stdout + after.stderr
    assert not list(staging.glob("*")) and live_id(night["root"]) == before


def test_truncated_export_trips_the_delta_guard_until_a_person_overrides(night):
    root = night["root"]
    before = live_id(root)
    upstream = night["upstream"] / "district_sis.csv"
    good = upstream.read_bytes()
    edit_csv(upstream, "utf-8", ",", lambda rows: rows[:101])  # header + the first 100 rows
    try:
        refused = run_nightly(night["city"], root, cache=night["cache"])
        assert refused.returncode == 6, refused.stdout + refused.stderr
        message = re.search(r"DELTA_GUARD school_count (\d+) vs (\d+) \((-\d+\.\d)%\)", refused.stderr)
        assert message and int(message[1]) < int(message[2]), refused.stderr
        assert live_id(root) == before
        assert json.loads((root / "last-failure" / "changes.json").read_text())["refused"]
        overridden = run_nightly(night["city"], root, "--allow-delta", cache=night["cache"])
        assert overridden.returncode == 0, overridden.stdout + overridden.stderr
        assert live_id(root) != before
        truncated = live_id(root)
        rolled = subprocess.run([sys.executable, "-m", "schoolfinder", "rollback", "--root", str(root)], cwd=ROOT,
                                env={**os.environ, "PYTHONPATH": str(ROOT / "plugins")}, capture_output=True, text=True)
        assert rolled.returncode == 0, rolled.stderr
        assert live_id(root) == before != truncated
    finally:
        upstream.write_bytes(good)


def test_one_school_changed_rewrites_few_files_and_reports_it(night):
    root = night["root"]
    old_build = (root / "current").resolve()
    upstream = night["upstream"] / "district_sis.csv"
    good = upstream.read_bytes()
    with open(upstream, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    name_col, lat_col = header.index("SCHOOL_NAME"), header.index("LAT")

    def rename_and_move(rows):
        rows[5][name_col] = rows[5][name_col] + " Renamed"
        rows[5][lat_col] = str(float(rows[5][lat_col]) + 0.003)
        return rows

    edit_csv(upstream, "utf-8", ",", rename_and_move)
    try:
        done = run_nightly(night["city"], root, cache=night["cache"])
    finally:
        upstream.write_bytes(good)
    assert done.returncode == 0, done.stdout + done.stderr
    new_build = (root / "current").resolve()
    assert new_build != old_build
    report = json.loads((new_build / "changes.json").read_text())
    assert [r["name"] for r in report["renamed"]] and report["renamed"][0]["name"].endswith(" Renamed")
    assert report["moved"] and 250 < report["moved"][0]["metres"] < 450
    assert "Renamed" in (new_build / "changes.html").read_text()
    pages = [p for p in (new_build / "site" / "schools").glob("*/index.html")]
    kept = [p for p in pages if (old_build / "site" / p.relative_to(new_build / "site")).exists()
            and p.stat().st_ino == (old_build / "site" / p.relative_to(new_build / "site")).stat().st_ino]
    print(f"\none school changed: {len(pages) - len(kept)} of {len(pages)} school pages rewritten; {done.stdout.strip().splitlines()[-1]}")
    assert len(kept) >= 0.8 * len(pages), "unchanged pages keep their file (and mtime)"
    renamed = new_build / "site" / "schools" / report["renamed"][0]["slug"] / "index.html"
    assert renamed not in kept and json.loads((new_build / "site" / "build-manifest.json").read_text())["id"] in renamed.read_text()


def test_two_builds_are_byte_identical(night, tmp_path):
    """Same inputs, code and BUILD_DATE -> the same bytes, page for page (the first build is still kept)."""
    again = run_nightly(night["city"], tmp_path / "second", cache=night["cache"])
    assert again.returncode == 0, again.stdout + again.stderr
    second = (tmp_path / "second" / "current").resolve() / "site"
    first = night["first_build"] / "site"
    assert first.is_dir(), "the first build was pruned"
    differ = [str(p.relative_to(second)) for p in sorted(second.rglob("*")) if p.is_file()
              and (not (first / p.relative_to(second)).is_file() or (first / p.relative_to(second)).read_bytes() != p.read_bytes())]
    assert differ == [] and tree_hash(second) == tree_hash(first)


def test_stale_data_shows_a_banner_and_passes_axe(night, tmp_path):
    """Data 2 years old by BUILD_DATE: every page says so, and the axe gate (on a sample) still passes."""
    old = run_nightly(night["city"], tmp_path / "stale", cache=night["cache"], build_date="2028-12-01")
    assert old.returncode == 0, old.stdout + old.stderr
    site = (tmp_path / "stale" / "current").resolve() / "site"
    manifest = json.loads((site / "build-manifest.json").read_text())
    assert manifest["stale"] and manifest["data_age_days"] > manifest["stale_after_days"]
    for page in (site / "index.html", next((site / "schools").glob("*/index.html"))):
        assert 'class="notice stale"' in page.read_text() and manifest["data_as_of"] in page.read_text()
    assert 'class="notice stale"' not in (night["first_build"] / "site" / "index.html").read_text()


def test_delta_rules_on_tiny_frames():
    def snapshot(n, lat=0.0, sources=("district",)):
        schools = {f"k{i}": {"key": f"k{i}", "name": f"S{i}", "lat": lat, "lon": 0.0} for i in range(n)}
        return {"schools": schools, "access": {}, "problems": [], "names": {},
                "reconciliation": {s: {"rows_read": n} for s in sources}}

    rules = {"max_count_drop": 0.05, "max_moved_share": 0.01, "moved_km": 1.0}
    old = snapshot(100, sources=("district", "charter"))
    assert changes.delta_problems(old, snapshot(96, sources=("district", "charter")), rules,
                                  changes.compare(old, snapshot(96))) == []
    problems = changes.delta_problems(old, snapshot(94), rules, changes.compare(old, snapshot(94)))
    assert problems[0] == "DELTA_GUARD school_count 94 vs 100 (-6.0%)"
    assert any("source charter disappeared" in p for p in problems)
    moved = snapshot(100, lat=0.02, sources=("district", "charter"))  # every school 2.2 km north
    assert any("moved 100 schools" in p for p in changes.delta_problems(old, moved, rules, changes.compare(old, moved)))
