from __future__ import annotations

from fastapi import APIRouter, Request

from api.deps import ErrorsRead
from api.errors import taxonomy
from api.errors.schemas import ErrorTypeList, ErrorTypeOut
from api.problems import PROBLEM_RESPONSES, wants_english

router = APIRouter(prefix="/v1", tags=["errors"], responses=PROBLEM_RESPONSES)


@router.get("/error-types", response_model=ErrorTypeList, operation_id="error-types-list")
async def list_error_types(request: Request, _: ErrorsRead) -> ErrorTypeList:
    """The error taxonomy, titles and suggestions in the asked language (Accept-Language; zh-CN by default)."""
    language = "en" if wants_english(request) else "zh-CN"
    return ErrorTypeList(
        items=[
            ErrorTypeOut(
                code=info.code.value,
                severity=info.severity.value,
                title=info.title(language),
                suggestion=info.suggestion(language),
                doc_url_template=info.doc_url_template,
            )
            for info in taxonomy.TAXONOMY.values()
        ]
    )
