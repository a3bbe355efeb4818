"""Excel-safe CSV cells: a cell a spreadsheet would read as a formula is neutralised with a leading quote.

Spreadsheet apps run `=...`, `+...`, `-...` and `@...` as formulas (OWASP "CSV injection"), and they are lenient
about how a cell starts: they skip leading blanks and newlines, and fold the full-width and small forms (`＝`, `﹢`)
onto the ASCII ones, as NFKC normalisation does. A leading tab or carriage return is neutralised in any case (it can
hide a formula in the next column or line). A multi-valued cell (missing fields joined by `;`) is split again by
apps that read `;` as the separator, so every part is neutralised, not just the first.

The export is formatted by PostgreSQL, so the rules exist as SQL expressions; the Python forms are the same rules
for values written outside the query (and state them plainly).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, func, literal

# What a formula starts with, in ASCII and in the forms NFKC folds onto ASCII (full-width, small).
FORMULA_STARTS = "=+@-\uff1d\uff0b\uff20\uff0d\ufe66\ufe62\ufe6b\ufe63"
# Always neutralised when a cell starts with them, whatever follows.
HIDING_PREFIXES = "\t\r"
# Skipped by spreadsheets before the first character they read: blanks, line breaks, the no-break and
# ideographic spaces, the byte-order mark.
LEADING_BLANKS = (
    " \t\r\n\v\f\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\ufeff"
)
PART_SEPARATOR = ";"

# ascii() of the first character: an integer comparison per cell, without building a substring; the regular
# expression runs only for the few cells that start with a blank.
_NEUTRALISE_CODES = tuple(ord(c) for c in FORMULA_STARTS + HIDING_PREFIXES)
_BLANK_CODES = tuple(ord(c) for c in LEADING_BLANKS if c not in HIDING_PREFIXES)
# In a bracket expression '-' is a literal only at the end (elsewhere it makes a range).
_FORMULA_CLASS = "[" + FORMULA_STARTS.replace("-", "") + "-]"
_BLANKED_FORMULA = f"^[{LEADING_BLANKS}]+{_FORMULA_CLASS}"
# A part's start: the cell's start or just after a separator, where a formula or a hiding prefix follows.
_DANGEROUS_PART = f"(^|{PART_SEPARATOR})(?=[{HIDING_PREFIXES}]|[{LEADING_BLANKS}]*{_FORMULA_CLASS})"


def is_formula_like(value: str) -> bool:
    if value.startswith(tuple(HIDING_PREFIXES)):
        return True
    rest = value.lstrip(LEADING_BLANKS)
    return rest != "" and rest[0] in FORMULA_STARTS


def neutralised(value: str) -> str:
    return "'" + value if is_formula_like(value) else value


def neutralised_parts(value: str) -> str:
    """A multi-valued cell: every `;`-separated part neutralised."""
    return PART_SEPARATOR.join(neutralised(part) for part in value.split(PART_SEPARATOR))


def neutralised_sql(column: ColumnElement[Any]) -> ColumnElement[str]:
    """`neutralised` inside the query. NULL stays NULL (an empty cell)."""
    quoted = literal("'", String) + column
    first = func.ascii(column)
    return case(
        (first.in_(_NEUTRALISE_CODES), quoted),
        (and_(first.in_(_BLANK_CODES), column.regexp_match(_BLANKED_FORMULA)), quoted),
        else_=column,
    )


def neutralised_parts_sql(column: ColumnElement[Any]) -> ColumnElement[str]:
    """`neutralised_parts` inside the query, for a `;`-joined text. NULL stays NULL."""
    return func.regexp_replace(column, _DANGEROUS_PART, "\\1'", "g")
