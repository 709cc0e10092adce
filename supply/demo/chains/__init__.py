"""The demo's chains of custody: the lots of the fixed list moved, merged, packed, slaughtered and planted, and
the lots those steps make, written through the API's schemas and services with dates of the 2026 season."""

from __future__ import annotations

from supply.demo.chains.mushrooms import mushrooms
from supply.demo.chains.steps import Steps
from supply.demo.chains.strawberries import strawberries
from supply.demo.chains.vegetables import RECALL_REASON
from supply.demo.chains.vegetables import vegetables
from supply.demo.chains.yak import yak


def build_chains(first_number: int) -> str:
    """Write every chain, numbering new lots after `first_number`, then open the recall; return its code."""
    steps = Steps(first_number)
    recall_root = vegetables(steps)
    strawberries(steps)
    mushrooms(steps)
    yak(steps)
    # Last: a recalled lot may no longer move.
    return steps.recall(recall_root, 2, RECALL_REASON)
