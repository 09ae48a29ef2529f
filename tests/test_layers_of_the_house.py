"""The house's layers: imports point one way, down the data flow, and no module imports itself in a circle.

spec → Layer → Solution (``arith``) → steps, misconceptions (``explain``) → Problem, Sheet (``problems``) →
writers (``render``, ``exports``) and the ``drill``; the ``cli`` sits on top.  Every import counts, including
those inside functions (lazy imports are still dependencies); circles are looked for among the imports that
run when a module is loaded.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quizgen"

#: What each stage may import besides itself.  ``quizgen`` (the top package: ``__version__`` and the lazy
#: ``parse``/``solve``) and the foundation (``errors``, ``i18n``) are open to every stage.
FOUNDATION = {"quizgen", "errors", "i18n"}
ALLOWED = {
    "errors": set(),
    "i18n": {"errors"},
    "arith": FOUNDATION,
    "explain": FOUNDATION | {"arith"},
    "problems": FOUNDATION | {"arith", "explain"},
    "render": FOUNDATION | {"arith", "explain", "problems", "figures"},
    "exports": FOUNDATION | {"arith", "explain", "problems", "render", "figures"},
    "drill": FOUNDATION | {"arith", "explain", "problems", "figures"},
    "figures": FOUNDATION | {"arith"},
    "mark": FOUNDATION | {"arith", "explain", "problems", "render"},
    "cli": None,  # anything
    "quizgen": None,  # the top package and __main__
}
#: Single modules a stage may use from a stage it otherwise may not: the drill's stats table pads columns
#: with the terminal-width helpers of the text writer.
EXCEPTIONS = {("drill", "quizgen.render.text")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def stage(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__main__":
        return "quizgen"
    return parts[1]


def _targets(node: ast.Import | ast.ImportFrom, importer: str) -> list[str]:
    """The quizgen modules an import statement loads (``from pkg import sub`` names the submodule)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "quizgen"]
    if node.level:  # relative imports are not used; resolve them anyway so that one cannot hide
        base = importer.split(".")
        if MODULES[importer].name != "__init__.py":
            base = base[:-1]
        base = base[: len(base) - node.level + 1]
        module = ".".join(base + ([node.module] if node.module else []))
    else:
        module = node.module or ""
    if module.split(".")[0] != "quizgen":
        return []
    return [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module for a in node.names]


def imports(module: str, *, load_time_only: bool = False) -> set[str]:
    """The quizgen modules ``module`` imports: all of them, or only those that run when it is loaded."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if load_time_only and isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return
        if load_time_only and isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(_targets(node, module))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(module)
    return found


def test_every_module_is_found():
    assert {"quizgen.arith.solver", "quizgen.problems.kinds", "quizgen.cli", "quizgen.exports.anki"} <= set(MODULES)
    unknown = {m for m in MODULES if stage(m) not in ALLOWED}
    assert unknown == set(), "a module outside the known stages: add its folder to ALLOWED"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_point_down_the_data_flow(module: str):
    allowed = ALLOWED[stage(module)]
    if allowed is None:
        return
    wrong = sorted(
        target
        for target in imports(module)
        if stage(target) != stage(module) and stage(target) not in allowed and (stage(module), target) not in EXCEPTIONS
    )
    assert wrong == [], f"{module} ({stage(module)}) may import only {sorted(allowed)}"


def test_no_import_circles():
    graph = {m: imports(m, load_time_only=True) & set(MODULES) for m in MODULES}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(m: str) -> None:
        state[m] = 1
        path.append(m)
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                pytest.fail("import circle: " + " → ".join([*path[path.index(n) :], n]))
            if n not in state:
                walk(n)
        path.pop()
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            walk(m)


def test_the_calculator_loads_nothing_above_it():
    code = (
        "import quizgen.arith.solver, sys; print(' '.join(sorted(m for m in sys.modules if m.startswith('quizgen'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    loaded = out.stdout.split()
    assert "quizgen.arith.solver" in loaded
    assert [m for m in loaded if stage(m) not in {"quizgen", "errors", "i18n", "arith"}] == []
