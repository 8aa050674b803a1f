"""Shared fixtures: build sites into temporary folders, find the real Chicago data."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
ARTIFACTS = ROOT / "test-artifacts"
CHICAGO_DATA = Path(os.environ.get("SCHOOLFINDER_CHICAGO_DATA", ROOT.parent / "shared" / "data" / "chicago"))
NOLA_DATA = Path(os.environ.get("SCHOOLFINDER_NEW_ORLEANS_DATA", ROOT.parent / "shared" / "data" / "new-orleans"))


def real_data(folder: Path, city: str, variable: str) -> Path:
    """``folder`` when it holds the real files; else skip, or fail when SCHOOLFINDER_REQUIRE_REAL_DATA=1."""
    if (folder / "PROVENANCE.md").is_file():
        return folder
    message = f"real {city} data not found at {folder} (set {variable})"
    if os.environ.get("SCHOOLFINDER_REQUIRE_REAL_DATA") == "1":
        pytest.fail(message + " and SCHOOLFINDER_REQUIRE_REAL_DATA=1")
    pytest.skip(message)


def run_ok(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a command from the repo root; fail the test with its output if it fails."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), **(env or {})}
    proc = subprocess.run(args, cwd=ROOT, env=full_env, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def build_site(city: Path, workdir: Path) -> Path:
    """Run the pipeline and Pelican for one city; return the output folder."""
    processed, output = workdir / "processed", workdir / "output"
    run_ok([sys.executable, "-m", "schoolfinder", "build", str(city), "--out", str(processed)])
    run_ok([sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output), "--fatal", "errors", "-q"],
           env={"SCHOOLFINDER_PROCESSED": str(processed)})
    return output


@pytest.fixture(scope="session")
def demo_city(tmp_path_factory) -> Path:
    """The demo city's config with freshly generated raw files, in a temporary folder."""
    from schoolfinder.demo.generator import generate

    city = tmp_path_factory.mktemp("demo")
    shutil.copy(ROOT / "data" / "demo" / "city.toml", city / "city.toml")
    generate(city / "raw", seed=2026)
    return city


@pytest.fixture(scope="session")
def demo_site(demo_city, tmp_path_factory) -> Path:
    """The demo city built into a temporary output folder."""
    return build_site(demo_city, tmp_path_factory.mktemp("demo-site"))


@pytest.fixture(scope="session")
def published_site(demo_site, tmp_path_factory) -> tuple[Path, str]:
    """The demo city built with publishconf.py for an absolute address on a free local port: (output, base URL).

    Canonical links, hreflang alternates and the sitemap exist only with an absolute SITEURL."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{probe.getsockname()[1]}"
    output = tmp_path_factory.mktemp("published") / "output"
    run_ok([sys.executable, "-m", "pelican", "content", "-s", "publishconf.py", "-o", str(output), "--fatal", "errors", "-q"],
           env={"SCHOOLFINDER_PROCESSED": str(demo_site.parent / "processed"), "SCHOOLFINDER_SITEURL": base})
    return output, base


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory) -> Path:
    """A tiny city whose data tries XSS and path tricks, built into a temporary folder."""
    return build_site(FIXTURES / "hostile", tmp_path_factory.mktemp("hostile-site"))


@pytest.fixture(scope="session")
def chicago_dir() -> Path:
    """The real Chicago files; skipped when absent unless SCHOOLFINDER_REQUIRE_REAL_DATA=1."""
    return real_data(CHICAGO_DATA, "Chicago", "SCHOOLFINDER_CHICAGO_DATA")


@pytest.fixture(scope="session")
def nola_dir() -> Path:
    """The real New Orleans files; skipped when absent unless SCHOOLFINDER_REQUIRE_REAL_DATA=1."""
    return real_data(NOLA_DATA, "New Orleans", "SCHOOLFINDER_NEW_ORLEANS_DATA")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session: the system one, never a downloaded browser."""
    from tests.browser import AXE, CHROMIUM, CHROMIUM_ARGS

    sync_api = pytest.importorskip("playwright.sync_api")
    assert Path(CHROMIUM).exists(), "install Chromium: apt-get install -y chromium chromium-driver"
    assert AXE.exists(), "run `npm ci` to install axe-core"
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def chicago_site(chicago_dir, tmp_path_factory):
    """The real Chicago data built into a temporary output folder."""
    os.environ["SCHOOLFINDER_CHICAGO_DATA"] = str(chicago_dir)
    return build_site(ROOT / "data" / "chicago", tmp_path_factory.mktemp("chicago-site"))


@pytest.fixture(scope="session")
def chicago(chicago_dir):
    """The pipeline's result for the real Chicago data."""
    from schoolfinder import pipeline
    from schoolfinder.config import load_config

    os.environ["SCHOOLFINDER_CHICAGO_DATA"] = str(chicago_dir)
    return pipeline.run(load_config(ROOT / "data" / "chicago"))


SITE_FIXTURES = {"demo_site", "published_site", "hostile_site", "chicago_site"}


# `make test` runs in two processes (pytest-xdist, ``--dist loadgroup``): the tests of one built site share a group,
# so each site is built by one process only; every other test stays with the tests of its file (module fixtures).
SHARED_BUILDS = {"demo_site": "demo-site", "published_site": "demo-site", "hostile_site": "hostile-site",
                 "chicago_site": "chicago-site", "chicago": "chicago-pipeline"}
if os.environ.get("PYTEST_XDIST_WORKER"):  # the processes never prune each other's map cache
    os.environ.setdefault("SCHOOLFINDER_MAP_CACHE", str(ROOT / "build" / f"map-cache-{os.environ['PYTEST_XDIST_WORKER']}"))


def pytest_collection_modifyitems(config, items):
    """Mark the slow tiers so `make check` can leave them to `make test`: ``site_build`` (the test needs a built
    site) and ``demo_build`` (it runs the whole demo pipeline itself; tests/golden runs it once for every stage);
    and give each test its process group (``SHARED_BUILDS``, else its file)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & SITE_FIXTURES:
            item.add_marker(pytest.mark.site_build)
        elif "demo_city" in fixtures and "golden" not in item.path.parts:
            item.add_marker(pytest.mark.demo_build)
        shared = sorted(SHARED_BUILDS[name] for name in fixtures & SHARED_BUILDS.keys())
        item.add_marker(pytest.mark.xdist_group(shared[0] if shared else str(item.path.relative_to(ROOT))))
