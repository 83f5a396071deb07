"""Print the code base's structure figures as Markdown: layer sizes, long functions, docstrings.

Run from the repository root: `python3 scripts/structure_figures.py [LIMIT]` (LIMIT: the line
count above which a function is listed, default 40). Standard library only.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

LIBRARY = Path("shared/taskai")
TREES = (Path("functions"), Path("tests"), Path("bench"))
CODE = (LIBRARY, Path("functions"))  # where long functions and docstrings are counted


def python_files(root: Path) -> list[Path]:
    """Every .py file under root, sorted; virtualenvs and caches excluded."""
    skip = {".venv", "__pycache__", "node_modules"}
    return sorted(p for p in root.rglob("*.py") if not skip & set(p.parts))


def line_count(path: Path) -> int:
    """Physical lines of path, as `wc -l` counts them."""
    return path.read_bytes().count(b"\n")


def layers() -> dict[str, list[Path]]:
    """Layer name -> its files: each library subpackage, the top-level modules, each tree."""
    found: dict[str, list[Path]] = {}
    for child in sorted(LIBRARY.iterdir()):
        if child.is_dir() and child.name != "__pycache__":
            found[f"taskai/{child.name}"] = python_files(child)
    found["taskai (top-level modules)"] = sorted(LIBRARY.glob("*.py"))
    for tree in TREES:
        found[f"{tree}/"] = python_files(tree)
    return found


Definition = ast.FunctionDef | ast.AsyncFunctionDef


def definitions(tree: ast.AST, public: bool = True) -> Iterator[tuple[Definition, bool]]:
    """Yield (function or method, is it public) for every def, nested ones included.

    Public: no leading underscore on its name or an enclosing class's, and no function encloses it.
    """
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node, public and not node.name.startswith("_")
            yield from definitions(node, public=False)
        elif isinstance(node, ast.ClassDef):
            yield from definitions(node, public and not node.name.startswith("_"))
        else:
            yield from definitions(node, public)


def main(limit: int) -> None:
    """Print the figures; a function longer than limit lines (def to last line) is listed."""
    print("## Files and lines per layer\n\n| layer | files | lines |\n| --- | ---: | ---: |")
    for name, files in layers().items():
        print(f"| {name} | {len(files)} | {sum(map(line_count, files)):,} |")

    long: list[tuple[int, str]] = []
    public = undocumented = 0
    for root in CODE:
        for path in python_files(root):
            for node, is_public in definitions(ast.parse(path.read_text(), str(path))):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > limit:
                    long.append((length, f"{path}:{node.lineno} {node.name} {length}"))
                if is_public:
                    public += 1
                    undocumented += ast.get_docstring(node) is None

    where = " and ".join(f"`{root}/`" for root in CODE)
    print(f"\n## Functions and methods over {limit} lines in {where} ({len(long)})\n")
    print("file:line name length\n")
    for _, line in sorted(long, key=lambda item: (-item[0], item[1])):
        print(f"- {line}")
    print(f"\n## Docstrings in {where}\n")
    print(f"Public functions and methods without a docstring: {undocumented} of {public}.")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
