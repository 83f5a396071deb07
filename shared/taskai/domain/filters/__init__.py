"""The filter language (`today | overdue`, `#work & p1`): a lark grammar read into a typed syntax
tree, and the days its date words name in the owner's zone. Pure domain: the SQL is an adapter's."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from taskai.domain.filters.ast import Filter

if TYPE_CHECKING:
    from taskai.domain.filters.grammar import MAX_DEPTH, MAX_LENGTH, parse
else:

    def __getattr__(name: str) -> Any:
        """The grammar's names, imported on first use: lark and the date words load slowly,
        and most requests (and every cold start) need only the syntax tree's types."""
        if name not in {"MAX_DEPTH", "MAX_LENGTH", "parse"}:
            raise AttributeError(name)
        return getattr(import_module("taskai.domain.filters.grammar"), name)


__all__ = ["MAX_DEPTH", "MAX_LENGTH", "Filter", "parse"]
