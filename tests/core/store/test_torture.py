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

# Killed for sure in each round (others at random points): an import, a pre-labeling run,
# an export and a package import are each cut short at least once.
FORCED_KILLS = (frozenset({"import", "prelabel"}), frozenset({"export", "package import"}))
ROUNDS = len(FORCED_KILLS)


def test_app_jobs_and_killed_cli_commands_lose_nothing(tmp_path: Path) -> None:
    scenario = harness.build_scenario(tmp_path, batches=ROUNDS)
    rng = random.Random(20261201)
    holder = harness.start_holder(scenario.project, seed=7)
    try:
        harness.settle(1.0)
        outcomes = []
        for round_no, forced in enumerate(FORCED_KILLS):
            outcomes += harness.run_round(
                scenario, round_no, rng, kill_probability=0.6, force_kill=forced
            )
            harness.check_after_round(scenario, holder)
        killed = {o.name for o in outcomes if o.killed}
        assert killed >= FORCED_KILLS[0] | FORCED_KILLS[1], killed
        assert len(holder.annotations) > 50 and holder.meta_keys
    finally:
        holder.stop()
    assert holder.stopped, holder.stderr_text()
    harness.check_after_round(scenario, holder)
    harness.check_final(scenario, ROUNDS)
