"""The filter language (`today | overdue`, `#work & p1`): a lark grammar read into a typed syntax
tree, and the days its date words name in the owner's zone. Pure domain: the SQL is an adapter's."""

from taskai.domain.filters.ast import Filter
from taskai.domain.filters.grammar import MAX_DEPTH, MAX_LENGTH, parse

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "Filter", "parse"]
