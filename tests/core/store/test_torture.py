"""The app's access pattern plus CLI commands beside it, with SIGKILLs: nothing is lost.

See ``torture_harness`` for the pattern. This is the test that could see the
corruption the first round shipped: an app process holding a connection while
its background jobs open and close others, and ``labeler`` commands (some killed)
working on the same file.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.core.store import torture_harness as harness

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not harness.env_ok(), reason="needs Linux /proc and the demo model"),
]

ROUNDS = 2


def test_app_jobs_and_killed_cli_commands_lose_nothing(tmp_path: Path) -> None:
    scenario = harness.build_scenario(tmp_path, batches=ROUNDS)
    rng = random.Random(20261201)
    holder = harness.start_holder(scenario.project, seed=7)
    try:
        harness.settle(1.0)
        outcomes = []
        for round_no in range(ROUNDS):
            outcomes += harness.run_round(scenario, round_no, rng, kill_probability=0.7)
            harness.check_after_round(scenario, holder)
        killed = [o.name for o in outcomes if o.killed]
        assert len(killed) >= 3, f"too few commands were killed: {killed}"
        assert len(holder.annotations) > 50 and holder.meta_keys
    finally:
        holder.stop()
    assert holder.stopped, holder.stderr_text()
    harness.check_after_round(scenario, holder)
    harness.check_final(scenario, ROUNDS)
