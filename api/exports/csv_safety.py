"""Excel-safe CSV cells: a cell that starts with a formula character is neutralised with a leading quote.

Spreadsheet apps run `=...`, `+...`, `-...` and `@...` as formulas, and a leading tab or carriage return can hide
one (OWASP "CSV injection"). The export is formatted by PostgreSQL, so the rule exists as a SQL expression; the
Python form is the same rule for values written outside the query (and states it plainly).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, case, func, literal

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# ascii() of the first character: an integer comparison per cell, without building a substring.
_FORMULA_CODES = tuple(ord(c) for c in FORMULA_PREFIXES)


def neutralised(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def neutralised_sql(column: ColumnElement[Any]) -> ColumnElement[str]:
    """The same rule inside the query. NULL stays NULL (an empty cell)."""
    return case(
        (func.ascii(column).in_(_FORMULA_CODES), literal("'", String) + column),
        else_=column,
    )
