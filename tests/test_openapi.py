from __future__ import annotations

from pathlib import Path

import yaml

from api.config import Settings
from api.main import create_app

SPEC = Path(__file__).resolve().parent.parent / "openapi.yaml"


def test_openapi_yaml_is_what_the_app_serves() -> None:
    served = create_app(Settings(static_dir="-")).openapi()
    committed = yaml.safe_load(SPEC.read_text(encoding="utf-8"))

    assert committed == served, "openapi.yaml is stale: regenerate it with 'openclaw openapi > openapi.yaml'"


def test_every_operation_has_an_id_and_typed_responses() -> None:
    spec = create_app(Settings(static_dir="-")).openapi()
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            assert operation.get("operationId"), f"{method.upper()} {path} has no operationId"
            assert operation["responses"], f"{method.upper()} {path} declares no responses"
