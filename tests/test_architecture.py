"""The layout ARCHITECTURE.md promises: rooms without import cycles, modules and classes small
enough to read, and models.py holding models only."""

import ast

from tests.support import ROOT

MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 160  # "about 150": Release's field declarations carry their help texts


APPS = ["articles", "staff", "subscriptions"]


def _modules():
    for path in sorted(p for app in APPS for p in (ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def _imports(tree, known):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for target in [node.module, *(f"{node.module}.{a.name}" for a in node.names)]:
                if target in known:
                    yield target
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)


def test_no_module_imports_itself_back_through_another():
    modules = dict(_modules())
    graph = {
        name: set(_imports(ast.parse(path.read_text()), modules)) - {name}
        for name, path in modules.items()
    }
    cycles, state = [], {}

    def visit(name, trail):
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_modules_and_classes_stay_small():
    too_big = []
    for name, path in _modules():
        text = path.read_text()
        if text.count("\n") > MAX_MODULE_LINES:
            too_big.append(name)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno >= MAX_CLASS_LINES:
                too_big.append(f"{name}.{node.name}")
    assert too_big == []


def test_model_modules_hold_models_and_their_querysets_only():
    for name, path in _modules():
        if not name.startswith("articles.models."):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef):
                bases = {getattr(base, "attr", getattr(base, "id", "")) for base in node.bases}
                assert bases & {"Model", "QuerySet", "ReleasePublication", "ReleaseRecord"} or (
                    name.endswith("releases") and node.name == "Release"
                ), f"{name}.{node.name} is not a model"
