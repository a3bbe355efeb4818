"""The long fuzz run: schemathesis over openapi.yaml against the app in-process, on a real database and Redis.

    .venv/bin/python bench/fuzz_run.py [--cases 6000] [--seed 20260101] [--only /v1/errors]

Same harness as the CI test (tests/fuzz/harness.py), five times the cases: by default about 6,000 spread over the
spec's operations, 60 % valid and 40 % invalid (operations with little input get fewer). Uses its own database (OPENCLAW_BENCH_DATABASE_URL, default .../openclaw_bench_fuzz),
recreated each run, and Redis OPENCLAW_BENCH_REDIS_URL (default db 9). Prints the figures (cases, time, answers by
status, per operation) and every distinct failure (operation, kind); exits 1 when a failure is not one of the
pending fixes listed in tests/fuzz/test_api_fuzz.py.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ is not an installed package

from api.migrate import drop_database, recreate_database
from tests.fuzz.harness import Report, fuzz, settings_for
from tests.fuzz.test_api_fuzz import PENDING_FIXES

URL = os.environ.get("OPENCLAW_BENCH_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/openclaw_bench_fuzz")
REDIS_URL = os.environ.get("OPENCLAW_BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")


def per_operation(report: Report) -> str:
    answers: dict[str, Counter[int]] = {}
    for (operation, status), n in report.by_answer.items():
        answers.setdefault(operation, Counter())[status] = n
    width = max(len(operation) for operation in report.by_operation)
    lines = []
    for operation, cases in sorted(report.by_operation.items()):
        statuses = " ".join(f"{code}:{n}" for code, n in sorted(answers.get(operation, Counter()).items()))
        lines.append(f"  {operation:<{width}}  {cases:>5}  {statuses}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=6000, help="cases over all operations (default 6,000)")
    parser.add_argument("--seed", type=int, default=20260101)
    parser.add_argument("--only", default="", help="only operations whose 'METHOD /path' contains this text")
    args = parser.parse_args()

    recreate_database(URL)
    try:
        report = fuzz(
            settings_for(URL, REDIS_URL),
            total=args.cases,
            seed=args.seed,
            only=(lambda label: args.only in label) if args.only else None,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
            quiet=True,
        )
    finally:
        asyncio.run(drop_database(URL))

    print(f"\nrequests per second: {report.cases / report.seconds:.1f}")
    print("per operation (cases, answers by status):")
    print(per_operation(report))
    print()
    print(report.summary(PENDING_FIXES))
    server_errors = sum(n for code, n in report.statuses.items() if code >= 500)
    failing = report.failures(excluded=PENDING_FIXES)
    print(
        f"\n5xx answers: {server_errors}; distinct failures: {len(report.findings)}, "
        f"of which not a pending fix: {len(failing)}"
    )
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
