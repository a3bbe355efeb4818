from __future__ import annotations

from typing import Any

import pytest

from api.audit.routes import router


@pytest.fixture
def app(app: Any) -> Any:
    """The audit-log route, until api/main.py registers it (then this adds nothing)."""
    if not any(getattr(route, "path", None) == "/v1/audit-log" for route in app.routes):
        app.include_router(router)
    return app
