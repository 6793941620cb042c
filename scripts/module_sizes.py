#!/usr/bin/env python3
"""Fail when a product module passes 400 lines (CONTRIBUTING.md, "Conventions").

Why a hard limit: a module that outgrows one screenful of concepts is where a new engineer gets
lost, and splitting by concept is cheapest while the module is still small. Tests, benchmarks and
scripts are not held to it. Run by scripts/check.
"""

from __future__ import annotations

import sys
from pathlib import Path

LIMIT = 400
ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("analyst", "agents", "tools", "sessions")


def main() -> int:
    over = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > LIMIT:
                over.append(f"{path.relative_to(ROOT)}: {lines} lines (limit {LIMIT}); split it by concept")
    for line in over:
        print(line)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
