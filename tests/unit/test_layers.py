"""Imports in the library point inward: no arrow runs back up from a layer to one above it."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[2] / "shared" / "taskai"

# What each layer may import besides the standard library (a prefix allows its submodules).
# dateutil: pure date arithmetic; lark: the filter language's parser, pure and without I/O;
# email_validator: an address's syntax (its DNS checks are never asked for).
DOMAIN = ("taskai.domain", "taskai.errors", "dateutil", "lark", "email_validator")
PORTS = ("taskai.ports", *DOMAIN)
SERVICES = (
    "taskai.services",
    "taskai.ports",
    "taskai.domain",
    "taskai.errors",
    "taskai.contracts",
    "taskai.telemetry",
)
ADAPTERS_NEVER = ("taskai.services", "taskai.api")


def module_name(path: Path) -> str:
    """`taskai.adapters.repository` for shared/taskai/adapters/repository.py."""
    parts = path.relative_to(LIBRARY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[str]:
    """Every module `path` imports, at any depth (in functions, under TYPE_CHECKING too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the importing package
                base = package.rsplit(".", node.level - 1)[0]
                yield f"{base}.{node.module}" if node.module else base
            else:
                yield node.module or ""


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def is_stdlib(name: str) -> bool:
    return name.split(".")[0] in sys.stdlib_module_names or name == "__future__"


def arrows_back_up() -> list[str]:
    """Each import that breaks the layering, as `importer -> imported`."""
    found = []
    for path in sorted(LIBRARY.rglob("*.py")):
        importer = module_name(path)
        for name in imports(path):
            if within(importer, ("taskai.domain",)):
                wrong = not (is_stdlib(name) or within(name, DOMAIN))
            elif importer == "taskai.ports":
                wrong = not (is_stdlib(name) or within(name, PORTS))
            elif within(importer, ("taskai.services",)):
                wrong = not (is_stdlib(name) or within(name, SERVICES))
            elif within(importer, ("taskai.adapters",)):
                wrong = within(name, ADAPTERS_NEVER)
            else:
                wrong = False
            if wrong:
                found.append(f"{importer} -> {name}")
    return found


def test_no_import_runs_back_up_a_layer() -> None:
    assert arrows_back_up() == []


def test_the_layer_check_sees_the_library() -> None:
    names = {module_name(p) for p in LIBRARY.rglob("*.py")}
    assert {"taskai.domain.tasks", "taskai.services.tasks", "taskai.adapters.orm"} <= names
