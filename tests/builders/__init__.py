"""Builders of test data: records, chains, worlds and helpers shared by the tests of every domain."""

from __future__ import annotations

from pathlib import Path

# The repository's root, and the shared standards beside it (../shared).
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
