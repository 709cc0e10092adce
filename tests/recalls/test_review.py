"""Review findings on recalls: a second recall of a lot already under an open recall is refused (a double submit)."""

from __future__ import annotations

import pytest

from supply.models import Batch
from supply.services.errors import Conflict
from supply.services.recalls import recalls
from tests.builders.api import unchanged
from tests.builders.recalls import merge_world

pytestmark = pytest.mark.usefixtures("app")
DATA = {"lot": "F1", "level": 1, "reason": "农残超标"}


def test_a_second_open_recall_of_the_same_lot_is_refused_and_writes_nothing():
    world = merge_world()
    first = recalls.open_recall(world["inspector"], DATA)
    with unchanged(), pytest.raises(Conflict) as refused:
        recalls.open_recall(world["inspector"], DATA)
    assert refused.value.errors["lot"][1] == first.code


def test_a_lot_recalled_through_another_recall_may_be_recalled_itself_and_once_closed_again():
    world = merge_world()
    first = recalls.open_recall(world["inspector"], DATA)
    second = recalls.open_recall(world["inspector"], {**DATA, "lot": "P1"})  # P1 is downstream of F1
    assert second.code != first.code and Batch.get(Batch.lot_code == "P1").status == "recalled"
    recalls.close_recall(world["inspector"], first.code, "已全部召回")
    third = recalls.open_recall(world["inspector"], DATA)
    assert third.code not in (first.code, second.code)


def test_a_lot_made_between_the_walk_and_the_locks_is_recalled_too(monkeypatch):
    """A transformation that commits while a recall waits for its locks: the recall walks again once it has them."""
    from supply.services.recalls import scope as recall_scope
    from tests.builders.chains import run

    world = merge_world()
    original, pending = recall_scope.lock, [True]

    def lock_after_a_transformation(ids):
        if pending:
            pending.clear()
            run(world["coop"], world["packhouse"], "repack", [("P2", "5")],
                [{"lot_code": "P2R", "quantity": "5", "unit": "carton"}])
        return original(ids)

    monkeypatch.setattr(recall_scope, "lock", lock_after_a_transformation)
    recall = recalls.open_recall(world["inspector"], DATA)
    assert Batch.get(Batch.lot_code == "P2R").status == "recalled"
    assert "P2R" in {line.batch.lot_code for line in recalls.recall_lots(recall)}
