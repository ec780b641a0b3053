"""The code's structure, guarded: packages depend one way (import-linter's contracts in
pyproject.toml), an import inside a function says why it is there, and no module grows
past a readable size."""

from __future__ import annotations

import ast
import tokenize
from pathlib import Path

from django.conf import settings
from importlinter import configuration
from importlinter.application.use_cases import lint_imports

BASE_DIR = Path(settings.BASE_DIR)
PACKAGES = (
    "zi_portal",
    "workplan",
    "evidence",
    "lke",
    "findings",
    "surveys",
    "monev",
    "search",
    "ministry",
)
MAX_LINES = 420  # "about 400": past it a module holds two things


def _modules(roots=PACKAGES + ("bench",)) -> list[Path]:
    return sorted(
        path
        for root in roots
        for path in (BASE_DIR / root).rglob("*.py")
        if "migrations" not in path.parts
    )


def test_packages_depend_one_way_and_modules_form_no_loops():
    # core <- accounts <- workplan <- evidence <- lke | findings <- monev <- the project's
    # URLs, and
    # no package's modules import each other round a loop (pyproject.toml).
    configuration.configure()  # what the lint-imports command does first
    assert lint_imports(
        config_filename=str(BASE_DIR / "pyproject.toml"), no_logo=True, cache_dir=None
    )


def _comment_lines(path: Path) -> set[int]:
    with path.open("rb") as fh:
        return {
            tok.start[0] for tok in tokenize.tokenize(fh.readline) if tok.type == tokenize.COMMENT
        }


def test_every_import_inside_a_function_says_why():
    unexplained = []
    for path in _modules(PACKAGES):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        comments = _comment_lines(path)
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = func.body
            for node in ast.walk(func):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                first = body[0].lineno if body else node.lineno
                # A comment on the line, or in the lines above it inside the function.
                if not comments & set(range(first - 1, node.lineno + 1)):
                    unexplained.append(f"{path.relative_to(BASE_DIR)}:{node.lineno}")
    assert unexplained == []


def test_no_module_grows_past_a_readable_size():
    long = {
        str(path.relative_to(BASE_DIR)): n
        for path in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
