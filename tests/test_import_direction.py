"""The arrows point one way: `api/` is the domain and may be imported by the workers and the sandbox, never the
other way round (the API enqueues jobs by name); the sandbox stands in for the platforms, so it knows no client."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"api": ("workers", "sandbox"), "sandbox": ("workers",)}


def imported_modules(source: Path) -> list[tuple[int, str]]:
    """Every module a file imports, at any depth (imports inside functions and TYPE_CHECKING blocks count)."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def offenders(package: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN[package]
    ]


def test_no_module_under_api_imports_the_workers_or_the_sandbox() -> None:
    assert offenders("api") == []


def test_the_sandbox_imports_no_worker_and_no_platform_client() -> None:
    assert offenders("sandbox") == []


def test_the_check_sees_imports_hidden_inside_functions(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def later():\n    from workers.settings import WorkerSettings\n    import sandbox.app\n")

    assert [module for _, module in imported_modules(sneaky)] == ["workers.settings", "sandbox.app"]
