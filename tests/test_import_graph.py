"""Dependencies point one way: no import cycles between the apps and the project
package, and the project package imports no app outside its composition root.

Every .py file is read with ast, imports inside functions included: an import that
runs late still ties the two packages together.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = [
    "newsroom",
    "articles",
    "images",
    "ticker",
    "liveblog",
    "editing",
    "api",
    "seedimport",
    "demo",
]
# Where the project is put together: these may name any app.
COMPOSITION_ROOT = {"newsroom.urls", "newsroom.jinja2", "newsroom.settings"}
# Modules that still import against the direction, with where they go. Each is
# checked to still exist and still need it, so the entry goes when the module moves.
# Modules allowed a cycle until they move (module: the app it may import). None now.
PENDING = {}


def module_name(root, path):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path, module):
    """Yield (imported module, line) for every import in the file, at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module.split(".")
    if path.name != "__init__.py":
        package.pop()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, *([node.module] if node.module else [])])
            else:
                name = node.module
            yield name, node.lineno


def import_graph(root=ROOT, packages=PACKAGES, skip=()):
    """Return {package: {imported package: ["file:line imported.module", ...]}}."""
    graph = {}
    for package in packages:
        folder = root / package
        if not folder.is_dir():
            continue
        edges = graph.setdefault(package, {})
        for path in sorted(folder.rglob("*.py")):
            module = module_name(root, path)
            if module in skip:
                continue
            for name, line in imports_of(path, module):
                target = name.split(".")[0]
                if target in packages and target != package:
                    where = f"{path.relative_to(root)}:{line} {name}"
                    edges.setdefault(target, []).append(where)
    return graph


def find_cycle(graph):
    """Return a cycle as [a, b, ..., a], or None."""
    done, path = set(), []

    def visit(node):
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for target in sorted(graph.get(node, ())):
            cycle = visit(target)
            if cycle:
                return cycle
        path.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node)
        if cycle:
            return cycle
    return None


def describe(graph, cycle):
    steps = []
    for source, target in zip(cycle, cycle[1:], strict=False):
        steps.append(f"{source} -> {target}: " + "; ".join(graph[source][target]))
    return " -> ".join(cycle) + "\n" + "\n".join(steps)


def test_the_apps_and_the_project_package_import_each_other_one_way():
    graph = import_graph(skip=COMPOSITION_ROOT | set(PENDING))
    assert {"newsroom", "articles", "ticker"} <= set(graph)
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + describe(graph, cycle)


def test_the_project_package_imports_no_app():
    graph = import_graph(skip=COMPOSITION_ROOT)
    assert graph["newsroom"] == {}, (
        "the project package imports apps (only newsroom/urls.py, jinja2.py and "
        f"settings.py may): {graph['newsroom']}"
    )


def test_every_pending_exception_is_still_needed():
    for module, target in PENDING.items():
        path = ROOT / (module.replace(".", "/") + ".py")
        assert path.exists(), f"{module} moved: remove it from PENDING"
        imported = {name.split(".")[0] for name, _ in imports_of(path, module)}
        assert target in imported, f"{module} no longer imports {target}: remove it"


def test_the_checker_finds_a_cycle_through_a_late_relative_import(tmp_path):
    (tmp_path / "alpha" / "sub").mkdir(parents=True)
    (tmp_path / "beta").mkdir()
    (tmp_path / "alpha" / "__init__.py").write_text("")
    (tmp_path / "alpha" / "sub" / "__init__.py").write_text("")
    (tmp_path / "alpha" / "models.py").write_text("from beta.views import show\n")
    (tmp_path / "alpha" / "sub" / "helpers.py").write_text(
        "def late():\n    from ..models import x\n"
    )
    (tmp_path / "beta" / "__init__.py").write_text("")
    (tmp_path / "beta" / "views.py").write_text(
        "def show():\n    import alpha.sub.helpers\n"
    )

    graph = import_graph(tmp_path, ["alpha", "beta"])

    assert graph == {
        "alpha": {"beta": ["alpha/models.py:1 beta.views"]},
        "beta": {"alpha": ["beta/views.py:2 alpha.sub.helpers"]},
    }
    assert find_cycle(graph) == ["alpha", "beta", "alpha"]
    assert describe(graph, find_cycle(graph)).startswith("alpha -> beta -> alpha\n")
    assert find_cycle(import_graph(tmp_path, ["alpha", "beta"], {"beta.views"})) is None
    assert list(imports_of(tmp_path / "alpha/sub/helpers.py", "alpha.sub.helpers")) == [
        ("alpha.models", 2)
    ]
