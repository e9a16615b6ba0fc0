"""The documents stand alone and stay true: every path of this repository that README.md,
ARCHITECTURE.md, docs/ or a docstring names exists, and nothing points outside the repository
(to a tracker's issue numbers or to notes kept elsewhere)."""

import ast
import re

import pytest

from tests.support import ROOT

DOCUMENTS = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md"))]
CODE_FOLDERS = ["articles", "staff", "subscriptions", "pressoffice", "bench", "tests", "deploy"]

# A path of ours: it starts with one of the repository's top-level folders, and is not the tail of
# a longer path or address (/srv/pressoffice/…, https://…/docs/…).
_TOP = r"(?:articles|staff|subscriptions|pressoffice|templates|static|tests|bench|deploy|docs|\.ci)"
_PATH = re.compile(rf"(?<![\w/.:@~-]){_TOP}/[\w./-]*")
_FILES = r"(?:README\.md|ARCHITECTURE\.md|Makefile|manage\.py|\.env\.example)"
_FILE = re.compile(rf"(?<![\w/.-]){_FILES}")
_ELSEWHERE = re.compile(r"(?i:\bissue #?\d+)|\.\./shared|DESIGN\.md|DESIGN rule")


def _python_files():
    for folder in CODE_FOLDERS:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _docstrings(path):
    tree = ast.parse(path.read_text())
    nodes = [tree, *ast.walk(tree)]
    kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return "\n".join(ast.get_docstring(n) or "" for n in nodes if isinstance(n, kinds))


def _texts():
    for path in DOCUMENTS:
        yield path, path.read_text()
    for path in _python_files():
        yield path, _docstrings(path)


def _named_paths(text):
    for match in _PATH.finditer(text):
        name = match.group().rstrip(".,;:")
        if "…" in name or text[match.end() : match.end() + 1] in "<{*":
            continue  # a pattern (results/alerts-<db>.json), not a path
        yield name
    yield from (m.group() for m in _FILE.finditer(text))


def test_every_path_the_documents_and_docstrings_name_exists():
    missing = {
        f"{where.relative_to(ROOT)}: {name}"
        for where, text in _texts()
        for name in _named_paths(text)
        if not (ROOT / name).exists()
    }
    assert not missing, "named but not in the repository:\n" + "\n".join(sorted(missing))


@pytest.mark.parametrize(
    "where",
    [*DOCUMENTS, ROOT / "requirements.txt", ROOT / "requirements-dev.txt", ROOT / "Makefile"]
    + list(_python_files()),
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_nothing_points_outside_the_repository(where):
    if where.name == "test_docs.py":
        return
    found = [
        f"line {number}: {line.strip()}"
        for number, line in enumerate(where.read_text().splitlines(), 1)
        if _ELSEWHERE.search(line)
    ]
    assert not found, "\n".join(found)
