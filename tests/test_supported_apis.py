"""The production code uses Django's and the libraries' supported APIs only.

Private names change without notice between releases: every Django upgrade would be a
hunt. So the production source (the apps and the project package, not tests/ and not
migrations) may not import django.utils.translation.trans_real, assign a compiler's
as_sql, reach into a database connection's commit hooks, or use an `_`-prefixed
attribute that Django or a library defines. `Model._meta` is the documented
exception; the project's own `_`-names (methods, and attributes it sets itself) are
its own business.
"""

import ast
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The packages whose private names the production code might reach for.
LIBRARIES = [
    "django",
    "taggit",
    "csp",
    "reversion",
    "axes",
    "django_prose_editor",
    "js_asset",
    "jinja2",
    "markupsafe",
    "whitenoise",
    "PIL",
    "nh3",
]
# Documented APIs that start with an underscore: Django's model options, and the
# methods and fields of every named tuple (collections.namedtuple).
DOCUMENTED = {"_meta", "_replace", "_asdict", "_fields", "_make", "_field_defaults"}
# Internals without an underscore.
INTERNAL_NAMES = re.compile(r"\btrans_real\b|\brun_on_commit\b")
AS_SQL_ASSIGNED = re.compile(r"\.as_sql\s*=[^=]")


def production_files():
    """Return the Python files of the apps, the project package and manage.py."""
    files = [ROOT / "manage.py"]
    for package in sorted(ROOT.iterdir()):
        if package.name in {"tests", "benchmarks", "docs"}:
            continue
        if not (package / "__init__.py").exists():
            continue
        files += [
            path for path in package.rglob("*.py") if "migrations" not in path.parts
        ]
    return files


def private_attributes(tree):
    """Yield (line, name) for every `_`-prefixed attribute read or written, also
    through getattr()/setattr()/hasattr() with a constant name."""
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute):
            name = node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"getattr", "setattr", "hasattr", "delattr"}
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            name = node.args[1].value
        if name and name.startswith("_") and not name.startswith("__"):
            yield node.lineno, name


def own_private_names(trees):
    """Return the `_`-names the project defines (functions, methods, classes and
    class attributes) and those it assigns on objects (self._cache = ...), apart."""
    defined, assigned = set(), set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                defined.add(node.name)
            if isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if isinstance(statement, ast.Assign):
                        defined.update(
                            target.id
                            for target in statement.targets
                            if isinstance(target, ast.Name)
                        )
            elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
                targets = (
                    node.targets if isinstance(node, ast.Assign) else [node.target]
                )
                assigned.update(
                    target.attr
                    for target in targets
                    if isinstance(target, ast.Attribute)
                )
    private = lambda names: {name for name in names if name.startswith("_")}  # noqa: E731
    return private(defined), private(assigned)


def library_private_names(candidates):
    """Return those of candidates that an installed library defines or assigns too:
    the same name there is the library's, not the project's."""
    pattern = re.compile(
        r"(?:\bdef\s+|\.|^\s*)(" + "|".join(map(re.escape, candidates)) + r")\s*[(=:]",
        re.M,
    )
    found = set()
    for library in LIBRARIES:
        spec = importlib.util.find_spec(library)
        if spec is None or not spec.submodule_search_locations:
            continue
        for location in spec.submodule_search_locations:
            for path in Path(location).rglob("*.py"):
                found.update(pattern.findall(path.read_text(errors="replace")))
    return found


def test_production_code_uses_no_private_django_or_library_api():
    sources = {path: path.read_text() for path in production_files()}
    trees = {path: ast.parse(text, str(path)) for path, text in sources.items()}
    defined, assigned = own_private_names(trees.values())
    # An attribute the project sets that a library also has is the library's: setting
    # obj._state must not make reading it allowed.
    own = defined | (assigned - library_private_names(sorted(assigned - defined)))

    problems = []
    for path, text in sources.items():
        where = path.relative_to(ROOT)
        for number, line in enumerate(text.splitlines(), 1):
            code = line.split("#", 1)[0]
            if INTERNAL_NAMES.search(code) or AS_SQL_ASSIGNED.search(code):
                problems.append(f"{where}:{number}: {line.strip()}")
        for number, name in private_attributes(trees[path]):
            if name not in DOCUMENTED and name not in own:
                problems.append(f"{where}:{number}: {name}")

    assert problems == []


def test_the_check_finds_each_kind_of_private_use(tmp_path):
    tree = ast.parse(
        "user._wrapped\n"
        "obj._state.adding\n"
        "getattr(request, '_csp_nonce', None)\n"
        "Model._meta.get_field('x')\n"
        "row._replace(a=1)\n"
    )
    found = sorted(name for _, name in private_attributes(tree))

    assert found == ["_csp_nonce", "_meta", "_replace", "_state", "_wrapped"]
    assert INTERNAL_NAMES.search("from django.utils.translation import trans_real")
    assert INTERNAL_NAMES.search("for hook in connection.run_on_commit:")
    assert AS_SQL_ASSIGNED.search("run.as_sql = lambda *a: (sql, params)")
    assert not AS_SQL_ASSIGNED.search("if compiler.as_sql == other:")
    # Assigned by the project, but Django's name: still flagged.
    assert "_state" in library_private_names(["_state", "_not_a_django_name_x"])
    assert "_not_a_django_name_x" not in library_private_names(["_not_a_django_name_x"])
