"""What ARCHITECTURE.md promises of the tree, read from the source (with ast, importing nothing):
each room of articles/, staff/, subscriptions/ and pressoffice/ imports only what
ALLOWED_IMPORTS lets it (a failure names the file and line; the wiring modules are left out);
no module of the three apps imports itself back through others; their modules stay within
MAX_MODULE_LINES and their classes within MAX_CLASS_LINES (pressoffice/, bench/ and tests/ are not
measured); and the modules of articles/models/ hold models and their querysets only."""

import ast

from tests.support import ROOT

MAX_MODULE_LINES = 400
MAX_CLASS_LINES = 160  # "about 150": Release's field declarations carry their help texts


APPS = ["articles", "staff", "subscriptions"]


def _modules(apps=APPS):
    for path in sorted(p for app in apps for p in (ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


# Which rooms each room may import; ARCHITECTURE.md shows the same table. A room is a top-level
# package, or one of the newsroom's rooms (articles.public, …); `articles` alone is the newsroom's
# core (states, visibility, text, addresses, roles, signals, errors). An entry naming a module
# (articles.public.previews) allows that module and no other of its room.
ALLOWED_IMPORTS = {
    "articles": {"articles.models"},
    # The models ask two helpers that import nothing of ours back: which photos a body may hold,
    # and rendition addresses.
    "articles.models": {"articles", "articles.photos.markup", "articles.photos.renditions"},
    "articles.photos": {"articles", "articles.models"},
    # Cache coherence, for every room that saves or serves: the change log and the releases.
    "articles.pagecache": {"articles", "articles.models"},
    "articles.public": {"articles", "articles.models", "articles.photos", "articles.pagecache"},
    # Staff previews show the public page through its one door; a save tells the page cache.
    "articles.editorial": {"articles", "articles.models", "articles.photos",
                           "articles.public.previews", "articles.pagecache"},
    # Partners' read API: live releases as the public pages show them (their body's HTML), and
    # the client address as sign-in lockouts count it (for its limit).
    "articles.api": {"articles", "articles.models", "articles.pagecache",
                     "articles.public.presentation", "staff.addresses"},
    "articles.management": {"articles", "articles.models", "articles.photos", "articles.public",
                            "articles.pagecache", "articles.editorial"},
    "staff": {"articles"},
    # The subscriptions app's top level only wires its rooms to Django (apps, admin, urls,
    # models, the deliver command).
    "subscriptions": {"articles", "subscriptions.readers", "subscriptions.press",
                      "subscriptions.sending", "subscriptions.webhooks", "subscriptions.social"},
    "subscriptions.readers": {"articles", "articles.models", "staff", "subscriptions.sending"},
    # Press contacts read their embargoed copy through the public page's one door; their links
    # are signed as readers' links are.
    "subscriptions.press": {"articles", "articles.models", "articles.public.previews",
                            "subscriptions.sending", "subscriptions.readers.tokens"},
    # The worker sends both audiences' mail and the partners' webhooks, and runs the readers'
    # tasks.
    "subscriptions.sending": {"articles", "articles.models", "subscriptions.readers",
                              "subscriptions.press.embargo", "subscriptions.webhooks.outbox",
                              "subscriptions.webhooks.events", "subscriptions.social.outbox",
                              "subscriptions.social.lifecycle"},
    # Partners' webhooks: events from the core's signals, sent by the engine over HTTP.
    "subscriptions.webhooks": {"articles", "articles.models", "subscriptions.sending"},
    "subscriptions.social": {"articles", "articles.models", "articles.photos",
                             "articles.pagecache", "subscriptions.sending"},
    "pressoffice": {"articles", "articles.models", "articles.photos", "articles.public",
                    "articles.pagecache", "articles.editorial", "staff", "subscriptions"},
}  # fmt: skip
# Modules that only connect the rooms to Django (app ready hooks, admin registration).
WIRING = {"articles.apps", "articles.admin"}
ROOMS = ["articles.public", "articles.editorial", "articles.photos", "articles.management",
         "articles.models", "articles.pagecache", "articles.api"]  # fmt: skip
ROOMS += ["subscriptions.readers", "subscriptions.press", "subscriptions.sending",
          "subscriptions.webhooks", "subscriptions.social"]  # fmt: skip


def _room(module):
    for room in ROOMS:
        if module == room or module.startswith(room + "."):
            return room
    return module.split(".")[0]


def test_each_room_imports_only_the_rooms_the_table_allows():
    unexpected = []
    for name, path in _modules(["articles", "staff", "subscriptions", "pressoffice"]):
        if name in WIRING:
            continue
        room = _room(name)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                continue
            for target in targets:
                other = _room(target)
                if other not in ALLOWED_IMPORTS or other == room:
                    continue  # not ours (django, …), or within the room
                allowed = ALLOWED_IMPORTS[room]
                if other in allowed or any(target.startswith(a) for a in allowed if "." in a):
                    continue
                where = path.relative_to(ROOT)
                unexpected.append(f"{where}:{node.lineno} ({room}) imports {target} ({other})")
    assert not unexpected, "imports the table does not allow:\n" + "\n".join(unexpected)


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


# What a model module's classes may extend: Django's, and the models' own abstract parts and
# shared querysets.
MODEL_BASES = {
    "Model", "QuerySet", "ReleasePublication", "ReleaseRecord", "CapabilityLinkQuerySet",
}  # fmt: skip


def test_model_modules_hold_models_and_their_querysets_only():
    for name, path in _modules():
        if not name.startswith("articles.models."):
            continue
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef):
                bases = {getattr(base, "attr", getattr(base, "id", "")) for base in node.bases}
                assert bases & MODEL_BASES or (
                    name.endswith("releases") and node.name == "Release"
                ), f"{name}.{node.name} is not a model"
