"""The layout is the architecture: every module imports, imports run one way, no private name crosses a module.

Imports are read from the source with `ast`, including those inside functions and under TYPE_CHECKING:
a circle hidden in a function is still a circle.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ecosite"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    """The absolute name a `from X import` names, relative imports included."""
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str) -> list[tuple[str, str | None, int]]:
    """(imported ecosite module, name taken from it or None, line) for every import in `module`."""
    found = []
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names if alias.name in MODULES]
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            for alias in node.names:
                if f"{source}.{alias.name}" in MODULES:  # `from ecosite.outputs import sitemap`
                    found.append((f"{source}.{alias.name}", None, node.lineno))
                elif source in MODULES:
                    found.append((source, alias.name, node.lineno))
    return found


def import_graph() -> dict[str, set[str]]:
    return {module: {target for target, _, _ in imports_of(module) if target != module} for module in MODULES}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize("module", sorted(set(MODULES) - {"ecosite.__main__"}))  # __main__ runs the command line
def test_every_module_imports(module):
    importlib.import_module(module)


def test_the_scan_sees_the_imports():
    graph = import_graph()
    assert len(MODULES) > 40 and sum(len(targets) for targets in graph.values()) > 100
    assert "ecosite.errors" in graph["ecosite.cli"]


def test_no_import_circle():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_circle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_private_name_crosses_a_module():
    crossing = []
    for module in MODULES:
        tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
        modules_here = {}
        for target, name, line in imports_of(module):
            if name is not None and name.startswith("_") and not name.startswith("__"):
                crossing.append(f"{module}:{line} imports {target}.{name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                source = _resolve(module, node)
                for alias in node.names:
                    if f"{source}.{alias.name}" in MODULES:
                        modules_here[alias.asname or alias.name] = f"{source}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname and alias.name in MODULES:
                        modules_here[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules_here
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                crossing.append(f"{module}:{node.lineno} uses {modules_here[node.value.id]}.{node.attr}")
    assert crossing == []


# -- docs/architecture.md stays true ---------------------------------------------------------------

DOC = (PACKAGE.parent / "docs" / "architecture.md").read_text(encoding="utf-8")


def _layer(module: str) -> str:
    """ecosite.site.model -> site; ecosite.pipeline -> pipeline."""
    return module.split(".")[1] if "." in module else module


def documented_layers() -> list[str]:
    block = re.search(r"```layers\n(.*?)```", DOC, re.S)
    assert block, "docs/architecture.md has no ```layers block"
    return block.group(1).split()


def test_every_path_the_architecture_page_names_exists():
    named = set(re.findall(r"(?<!Write )`((?:ecosite|tests|docs|schemas)/[\w./-]*)`", DOC))  # "Write `x`": a new file
    assert len(named) > 30
    missing = sorted(path for path in named if not (PACKAGE.parent / path).exists())
    assert missing == [], missing


def test_every_file_in_a_package_row_exists_in_that_package():
    missing = []
    for row in re.findall(r"^\| `(ecosite/\w+/)` \|(.*)$", DOC, re.M):
        folder, text = row
        missing += [f"{folder}{name}" for name in re.findall(r"`(\w+\.py)`", text)
                    if not (PACKAGE.parent / folder / name).exists()]
    assert missing == []


def test_the_page_lists_every_package_once_in_the_order_imports_run():
    layers = documented_layers()
    packages = {_layer(module) for module in MODULES} - {"__init__", "__main__", "ecosite"}
    assert sorted(layers) == sorted(packages)
    rank = {name: number for number, name in enumerate(layers)}
    upward = sorted({f"{_layer(source)} -> {_layer(target)}"
                     for source, targets in import_graph().items() for target in targets
                     if _layer(source) in rank and _layer(target) in rank and rank[_layer(target)] > rank[_layer(source)]})
    assert upward == []


def test_the_stage_table_is_the_pipeline():
    from ecosite.pipeline import STAGES

    documented = re.findall(r"^\| (\w+) \| .* \| (.+) \|$", DOC.split("## The stages", 1)[1].split("##", 1)[0], re.M)
    assert [(name, counts) for name, counts in documented if name != "stage"] == [
        (stage.name, stage.counts or "(not shown)") for stage in STAGES]
