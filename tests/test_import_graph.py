"""No import cycles among insight's modules (function-level imports included): the pipeline <-> runners
cycle is gone (Models lives in insight.resources)."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "insight"


def _graph() -> dict[str, set[str]]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            deps |= {t for t in targets if t in modules and t != name and t != "insight"}
        graph[name] = deps
    return graph


def _reaches(graph, start, goal) -> bool:
    seen, stack = set(), [start]
    while stack:
        node = stack.pop()
        for dep in graph.get(node, ()):
            if dep == goal:
                return True
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return False


def test_runners_do_not_import_the_pipeline():
    graph = _graph()
    assert "insight.resources" in graph["insight.runners"]  # where Models comes from now
    assert not _reaches(graph, "insight.runners", "insight.pipeline")


def test_no_module_imports_itself_back():
    graph = _graph()
    assert len(graph) > 40
    cycles = sorted((a, b) for a in graph for b in graph[a] if _reaches(graph, b, a))
    assert cycles == []
