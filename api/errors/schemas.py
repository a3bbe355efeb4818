from __future__ import annotations

from typing import Literal

from pydantic import BaseModel


class ErrorTypeOut(BaseModel):
    code: str
    severity: Literal["error", "warning"]
    title: str
    suggestion: str
    doc_url_template: str


class ErrorTypeList(BaseModel):
    items: list[ErrorTypeOut]
    next_cursor: str | None = None
