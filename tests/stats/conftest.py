from __future__ import annotations

from typing import Any

import pytest

from api.stats.routes import router


@pytest.fixture
def app(app: Any) -> Any:
    """The stats routes, until api/main.py registers them (then this adds nothing)."""
    if not any(getattr(route, "path", None) == "/v1/stats/trend" for route in app.routes):
        app.include_router(router)
    return app
