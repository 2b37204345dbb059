"""The library's layout: one subpackage per stage, imports that only point down the stages, and
modules small enough to read, each saying what it owns."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import REPO

PACKAGE = REPO / "workflow" / "scripts" / "gvc_upgrading"
#: The shared modules at the top of the package, usable from every stage.
SHARED = {"errors", "io", "config", "valuechains", "dimensions", "grid", "__init__"}
#: Each stage and the stages it may import from (besides the shared modules and itself).
MAY_IMPORT = {
    "sources": set(),
    "demo": {"sources"},
    "store": {"sources"},
    "harmonise": {"sources", "store"},
    "analysis": {"sources", "store", "harmonise"},
    "outputs": {"sources", "store", "harmonise", "analysis"},
}
MAX_LINES = 510


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _place(path: Path, root: Path = PACKAGE) -> str:
    """The stage of a module (its subpackage) or ``shared`` for the top-level modules."""
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else "shared"


def _imported_modules(path: Path, root: Path) -> list[tuple[int, str]]:
    """(line, dotted module inside the package) of every import of a package module in ``path``,
    relative imports resolved against the module's own package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ["gvc_upgrading", *path.relative_to(root).parts[:-1]]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names
                      if a.name.split(".")[0] == "gvc_upgrading"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module.split(".")[0] != "gvc_upgrading":
                continue
            if module.count(".") <= 1:
                # "from . import x", "from gvc_upgrading.sources import x": x is a module
                found += [(node.lineno, f"{module}.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, module))
    return found


def _target_place(dotted: str) -> str:
    parts = dotted.split(".")[1:]
    if not parts:
        return "shared"
    return parts[0] if parts[0] in MAY_IMPORT else "shared"


def import_direction_problems(modules: list[Path], root: Path = PACKAGE) -> list[str]:
    """Every import of a module (under the package folder ``root``) that points to a later
    stage or into the demo."""
    problems = []
    for path in modules:
        place = _place(path, root)
        for line, dotted in _imported_modules(path, root):
            target = _target_place(dotted)
            if target in ("shared", place):
                continue
            if place == "shared" or target not in MAY_IMPORT[place]:
                problems.append(f"{path.relative_to(root)}:{line} ({place}) imports {dotted} "
                                f"({target})")
    return problems


def test_every_module_lives_in_a_stage_or_is_shared():
    stray = [str(p.relative_to(PACKAGE)) for p in _modules()
             if _place(p) not in MAY_IMPORT and _place(p) == "shared" and p.stem not in SHARED]
    unknown = sorted({_place(p) for p in _modules()} - set(MAY_IMPORT) - {"shared"})
    assert not stray and not unknown, (stray, unknown)


def test_imports_point_down_the_stages_only():
    assert import_direction_problems(_modules()) == []


def test_the_direction_check_finds_an_upward_import(tmp_path):
    """The check itself: a reader that imports from analysis is reported, with its line."""
    reader = tmp_path / "sources" / "reader.py"
    reader.parent.mkdir()
    reader.write_text("from ..errors import InputError\nfrom ..analysis.classify import UPGRADING\n"
                      "from gvc_upgrading.outputs import tables\n", encoding="utf-8")
    shared = tmp_path / "io.py"
    shared.write_text("from .harmonise.schema import TRADE\n", encoding="utf-8")
    assert import_direction_problems([reader, shared], tmp_path) == [
        "sources/reader.py:2 (sources) imports gvc_upgrading.analysis.classify (analysis)",
        "sources/reader.py:3 (sources) imports gvc_upgrading.outputs.tables (outputs)",
        "io.py:1 (shared) imports gvc_upgrading.harmonise.schema (harmonise)",
    ]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_is_small_and_says_what_it_owns(path):
    text = path.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_LINES, f"{path.name}: split it by what it owns"
    docstring = ast.get_docstring(ast.parse(text))
    assert docstring and len(docstring) > 40, f"{path.name}: no module docstring"


def test_test_modules_have_one_basename_each():
    """pytest imports test modules by basename: two files of one name in different folders
    would stop the collection."""
    names = [path.name for path in (REPO / "tests").rglob("test_*.py")]
    assert sorted({n for n in names if names.count(n) > 1}) == []
