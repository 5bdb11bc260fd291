"""The package's import graph, read from the source with ``ast`` (nothing is imported).

* No cycle between the package's modules, counting the imports inside functions too: an import
  moved into a function to dodge a cycle at import time still couples the two modules both ways.
* ``assessment/stats/`` (the statistics, issue 13) imports nothing from ``assessment`` outside
  ``assessment.stats``: the statistics stay usable and testable without the workbook.
* matplotlib is imported at module level only by the figure modules (:data:`FIGURE_MODULES`), and
  by no other module even through the package's own module-level imports, so that loading data,
  ``assessment validate`` and the command line never pay for it.

Relative and absolute imports are both read; ``from assessment import hotspots`` is an edge to
``assessment.hotspots``, and importing ``assessment.loaders.common`` from outside ``assessment.loaders``
also runs ``assessment/loaders/__init__.py``, so it is an edge to ``assessment.loaders`` too.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "assessment"

#: the figures room: every module under it may import matplotlib (``style`` does so at module level)
FIGURES = PACKAGE + ".figures"

#: other modules that draw or close figures.  ``workbook``: Run.figure saves and closes a figure.
FIGURE_MODULES = {
    "assessment.workbook",
}

def is_figure_module(name: str) -> bool:
    return name == FIGURES or name.startswith(FIGURES + ".") or name in FIGURE_MODULES


@dataclass(frozen=True)
class Import:
    importer: str
    target: str            # the module the import statement names (resolved)
    names: tuple           # the names imported from it (empty for ``import x``)
    line: int
    function: str | None   # the enclosing function, None at module level

    def where(self) -> str:
        return f"line {self.line}" + (f" in {self.function}()" if self.function else " (module level)")


def modules(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package: dotted name -> file."""
    out = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports(mods: dict[str, Path]) -> list[Import]:
    """Every import statement of every module, at module level or inside a function."""
    found = []

    def visit(node, name: str, is_package: bool, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                visit(child, name, is_package, function or getattr(child, "name", "<lambda>"))
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(Import(name, alias.name, (), child.lineno, function))
            elif isinstance(child, ast.ImportFrom):
                target = _resolve(name, is_package, child)
                found.append(Import(name, target, tuple(a.name for a in child.names), child.lineno, function))
            visit(child, name, is_package, function)

    for name, path in mods.items():
        visit(ast.parse(path.read_text(encoding="utf-8"), str(path)), name, path.name == "__init__.py", None)
    return found


def targets(imp: Import, mods: dict[str, Path], package: str = PACKAGE) -> set[str]:
    """The package's modules an import runs: the module named, a submodule imported by name
    (``from . import hotspots``), and the packages above it that the importer is not inside."""
    if imp.target != package and not imp.target.startswith(package + "."):
        return set()
    named = {imp.target + "." + n for n in imp.names if imp.target + "." + n in mods} or {imp.target}
    out = set()
    for t in named:
        while t not in mods:
            t = t.rsplit(".", 1)[0]
        out.add(t)
        parts = t.split(".")
        for i in range(1, len(parts)):
            parent = ".".join(parts[:i])
            if not (imp.importer == parent or imp.importer.startswith(parent + ".")):
                out.add(parent)
    out.discard(imp.importer)
    return out


def graph(mods: dict[str, Path], found: list[Import], skip=lambda imp: False) -> dict[str, dict[str, list[Import]]]:
    """importer -> imported module -> the import statements making that edge."""
    g: dict[str, dict[str, list[Import]]] = {m: {} for m in mods}
    for imp in found:
        if skip(imp):
            continue
        for t in targets(imp, mods):
            g[imp.importer].setdefault(t, []).append(imp)
    return g


def cycles(g: dict[str, dict]) -> list[list[str]]:
    """One cycle (a list of modules, first = last) through each strongly connected component."""
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g[v]):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(set(comp))

    for v in sorted(g):
        if v not in index:
            strong(v)
    out = []
    for comp in comps:                       # a shortest way back to the component's first module
        start = min(comp)
        paths, seen = [[start]], {start}
        while paths:
            path = paths.pop(0)
            nxt = sorted(w for w in g[path[-1]] if w in comp)
            if start in nxt:
                out.append(path + [start])
                break
            for w in nxt:
                if w not in seen:
                    seen.add(w)
                    paths.append(path + [w])
    return out


def describe(cycle: list[str], g: dict[str, dict]) -> str:
    steps = []
    for a, b in zip(cycle, cycle[1:]):
        imp = g[a][b][0]
        steps.append(f"  {a} -> {b}  ({imp.where()})")
    return "\n".join(steps)


def stats_violations(mods: dict[str, Path], found: list[Import], package: str = PACKAGE) -> list[str]:
    stats = package + ".stats"
    out = []
    for imp in found:
        if imp.importer == stats or imp.importer.startswith(stats + "."):
            for t in targets(imp, mods, package):
                if t != package and not (t == stats or t.startswith(stats + ".")):
                    out.append(f"{imp.importer} imports {t} ({imp.where()})")
    return out


def matplotlib_at_module_level(mods: dict[str, Path], found: list[Import]) -> dict[str, list[str]]:
    """Module -> how it reaches matplotlib through module-level imports (its own, or the package's)."""
    direct = {imp.importer: imp for imp in found
              if imp.function is None and imp.target.split(".")[0] == "matplotlib"}
    g = graph(mods, [imp for imp in found if imp.function is None])
    reach: dict[str, list[str]] = {m: [f"imports matplotlib ({direct[m].where()})"] for m in direct}
    changed = True
    while changed:
        changed = False
        for m in mods:
            if m in reach:
                continue
            for t in sorted(g[m]):
                if t in reach:
                    reach[m] = [f"imports {t} ({g[m][t][0].where()})"] + reach[t]
                    changed = True
                    break
    return reach


# -- the package ------------------------------------------------------------------------------------
MODS = modules()
FOUND = imports(MODS)
STATS = (ROOT / PACKAGE / "stats").is_dir()


def test_no_import_cycles():
    g = graph(MODS, FOUND)
    found = cycles(g)
    assert not found, "import cycles (imports inside functions count too):\n" + "\n\n".join(
        describe(c, g) for c in found)


def test_stats_imports_nothing_from_the_rest_of_the_package():
    if not STATS:
        pytest.skip("assessment/stats does not exist yet (issue 13); the rule applies once it does")
    bad = stats_violations(MODS, FOUND)
    assert not bad, "assessment.stats must stand alone:\n" + "\n".join(bad)


def test_only_figure_modules_import_matplotlib_at_module_level():
    reach = matplotlib_at_module_level(MODS, FOUND)
    bad = {m: how for m, how in reach.items() if not is_figure_module(m)}
    assert not bad, "matplotlib at module level outside the figure modules:\n" + "\n".join(
        f"  {m}: " + " -> ".join(how) for m, how in sorted(bad.items()))


def test_figure_modules_list_is_current():
    """Only a figure module imports matplotlib at all; a figure module that no longer draws leaves the list."""
    drawing = {imp.importer for imp in FOUND if imp.target.split(".")[0] == "matplotlib"}
    outside = {m for m in drawing if not is_figure_module(m)}
    assert not outside, f"matplotlib outside assessment.figures (move the figure there): {sorted(outside)}"
    gone = FIGURE_MODULES - drawing
    assert not gone, f"no longer draws, remove from FIGURE_MODULES: {sorted(gone)}"


# -- the checks themselves, on small packages made here -----------------------------------------------
def _package(tmp_path: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return modules(tmp_path, "pkg")


def test_a_cycle_hidden_in_a_function_is_found_and_named(tmp_path):
    mods = _package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from .b import x\n",
        "pkg/b.py": "def f():\n    from pkg import c\n",
        "pkg/c.py": "from . import a\n",
        "pkg/d.py": "import pkg.a\n",
    })
    found = imports(mods)
    g = {m: {t: [i for i in found if i.importer == m and t in targets(i, mods, "pkg")]
             for t in {t for i in found if i.importer == m for t in targets(i, mods, "pkg")}} for m in mods}
    assert cycles(g) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
    assert "pkg.b -> pkg.c  (line 2 in f())" in describe(cycles(g)[0], g)


def test_a_submodule_import_runs_its_package(tmp_path):
    """cache -> loaders.common runs loaders/__init__, which imports cache: a cycle."""
    mods = _package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/cache.py": "from .loaders.common import problem\n",
        "pkg/loaders/__init__.py": "from .. import cache\nfrom . import common\n",
        "pkg/loaders/common.py": "def problem(): pass\n",
    })
    found = imports(mods)
    g = {m: {} for m in mods}
    for i in found:
        for t in targets(i, mods, "pkg"):
            g[i.importer].setdefault(t, []).append(i)
    assert cycles(g) == [["pkg.cache", "pkg.loaders", "pkg.cache"]]


def test_the_stats_rule_on_a_package_that_has_stats(tmp_path):
    mods = _package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/hotspots.py": "",
        "pkg/stats/__init__.py": "from . import gistar\n",
        "pkg/stats/gistar.py": "import numpy\nfrom ..hotspots import x\nfrom pkg.stats import concentration\n",
        "pkg/stats/concentration.py": "def f():\n    from pkg import hotspots\n",
    })
    assert sorted(stats_violations(mods, imports(mods), "pkg")) == [
        "pkg.stats.concentration imports pkg.hotspots (line 2 in f())",
        "pkg.stats.gistar imports pkg.hotspots (line 2 (module level))",
    ]
