"""The layout rules of ARCHITECTURE.md: stages as subpackages, small modules, one-way imports, one data contract."""

from __future__ import annotations

import ast
from pathlib import Path

from schoolfinder import contract

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = ROOT / "plugins" / "schoolfinder"
GLUE = ROOT / "plugins" / "schoolfinder_site"
STAGES = ("ingest", "directory", "ratings", "geo", "transit", "travel", "access", "search", "outputs", "nightly")
MAX_LINES = 300


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names) of every import in ``path``, relative ones resolved to absolute names."""
    top = ROOT / "plugins" if path.is_relative_to(ROOT / "plugins") else ROOT
    package = ".".join(path.relative_to(top).with_suffix("").parts[:-1])
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            out.append((".".join(base + ([node.module] if node.module else [])), [a.name for a in node.names]))
    return out


def test_one_subpackage_per_stage():
    for stage in STAGES:
        assert (PIPELINE / stage / "__init__.py").is_file(), stage
    flat = sorted(p.name for p in PIPELINE.glob("*.py"))
    assert flat == ["__init__.py", "__main__.py", "config.py", "configdocs.py", "configschema.py", "contract.py",
                    "pipeline.py"], "a new module belongs in its stage's subpackage"
    assert (PIPELINE / "problems" / "codes.py").is_file()


def test_modules_stay_small():
    over = {str(p.relative_to(PIPELINE)): n for p in _modules(PIPELINE) if (n := len(p.read_text().splitlines())) > MAX_LINES}
    over |= {str(p.relative_to(GLUE.parent)): n for p in _modules(GLUE) if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not over, over


def test_the_pipeline_never_imports_pelican_or_the_glue():
    for path in _modules(PIPELINE):
        for module, _names in _imports(path):
            assert not module.startswith(("pelican", "schoolfinder_site", "benchmarks")), (path, module)


def test_no_private_names_cross_a_module():
    for path in _modules(PIPELINE) + _modules(GLUE) + _modules(ROOT / "benchmarks"):
        for module, names in _imports(path):
            private = [n for n in names if n.startswith("_") and n != "__version__"]
            assert not private, f"{path.relative_to(ROOT)} imports {private} from {module}"


def test_benchmarks_live_outside_the_packages():
    assert not [p for p in _modules(PIPELINE) + _modules(GLUE) if "bench" in p.name]
    assert {p.stem for p in (ROOT / "benchmarks").glob("*.py")} >= {"ingest", "router", "search", "pages", "nightly"}


def test_glue_and_nightly_name_processed_files_only_through_the_contract():
    names = {contract.MANIFEST, contract.SCHOOLS, contract.NEIGHBORHOODS, contract.NEIGHBORHOOD_SHAPES,
             contract.RECONCILIATION, contract.PROBLEMS, contract.COMPARE, contract.TRAVEL, contract.ACCESS,
             contract.CELLS, contract.STOPS, contract.OPEN_DATA, contract.SEARCH_INDEX, contract.SEARCH_PLACES, *contract.TRAVEL_FILES.values()}
    readers = _modules(GLUE) + _modules(PIPELINE / "nightly") + _modules(PIPELINE / "search")
    for path in readers:
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        site_paths = {id(c) for node in ast.walk(tree)  # files of the built site (output_path / ...), not processed data
                      if isinstance(node, ast.BinOp) and "output_path" in (ast.get_source_segment(source, node) or "")
                      for c in ast.walk(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in site_paths:
                assert node.value not in names, f"{path.relative_to(ROOT)} names {node.value!r}: use schoolfinder.contract"


def test_shared_constants_are_defined_once():
    for name in ("UNREACHABLE", "WGS84", "ID_FIELDS", "BANDS", "SCHOOL_FIELDS"):
        defined = [p for p in _modules(PIPELINE) + _modules(GLUE)
                   for node in ast.parse(p.read_text(encoding="utf-8")).body
                   if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == name for t in node.targets)]
        assert defined == [PIPELINE / "contract.py"], (name, defined)


def test_one_build_date_rule(monkeypatch):
    monkeypatch.setenv("BUILD_DATE", "2026-11-26")
    assert contract.build_date().isoformat() == "2026-11-26"
    defined = [p for p in _modules(PIPELINE) for node in ast.parse(p.read_text(encoding="utf-8")).body
               if isinstance(node, ast.FunctionDef) and node.name == "build_date"]
    assert defined == [PIPELINE / "contract.py"]
