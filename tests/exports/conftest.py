from __future__ import annotations

from typing import Any

import pytest

from api.exports.routes import router


@pytest.fixture
def app(app: Any) -> Any:
    """The export routes, until api/main.py registers them (then this adds nothing)."""
    if not any(getattr(route, "path", None) == "/v1/exports/errors.csv" for route in app.routes):
        app.include_router(router)
    return app
