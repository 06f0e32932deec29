"""Soak: the real app offscreen, its background jobs, and CLI commands (some killed) for N minutes.

The holder is the real ``MainWindow`` (offscreen) signed in as an annotator: a
timer adds a box every few tens of milliseconds through the workspace (the
undoable core command, as a drag on the canvas does) and prints the id only once
the edit is committed; it pages through images (thumbnails, review panel and
queue reads), refreshes the triage and QA panels and runs "Pre-label this
image" (the prelabel panel's job, on its own connection), and polls for other
programs' commits as the window does. Beside it, the torture harness runs rounds
of ``labeler`` commands (info, import, prelabel, guideline publish, package
import, export), SIGKILLing some at random and re-running those. After every
round a fresh process checks that every acknowledged edit is in the file and
that the file is sound.

    python benchmarks/soak.py --minutes 10

prints rounds, commands, kills, acknowledged writes, lost writes (must be 0) and
integrity failures (must be 0). Not a test: docs/performance.md (Reliability)
records its figures.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.core.store import torture_harness as harness  # noqa: E402

APP_HOLDER = textwrap.dedent(
    """
    import os, random, sys, traceback
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from labeler.app.main_window import MainWindow
    from labeler.core.commands import AddAnnotation
    from labeler.core.geometry import Box
    from labeler.core.store import Project

    path, stop, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    name = os.path.basename(path)
    app = QApplication([])
    project = Project.open(path)
    person = project.ensure_person("Holder")
    window = MainWindow(project, person, thumbnail_dir=Path(stop).parent / "thumbnails")
    window.resize(1200, 800)
    window.show()
    rng = random.Random(seed)
    ticks = 0

    def say(line):
        print(line, flush=True)

    DELETED_FILES_HERE

    def tick():
        global ticks
        ticks += 1
        try:
            if os.path.exists(stop):
                for target in deleted_files():
                    say(f"DELETED {target}")
                window.close()
                say("STOPPED")
                app.quit()
                return
            if project.needs_acknowledgement(person.id) is not None:
                project.acknowledge(person.id)  # the annotator reads the new version
            image_id = window.current_image_id()
            if image_id is not None:
                x = rng.uniform(0, 60)
                undo = window.workspace.execute(
                    AddAnnotation(image_id, 1, Box(x, 5, x + 20, 30), person.id))
                if undo is not None:
                    say(f"ACK annotation {undo.annotation_id}")
            if ticks % 25 == 0:
                window.next_image() if rng.random() < 0.8 else window.go_to_image(0)
            if ticks % 60 == 0:
                window.triage_panel.refresh()
                window.qa_view.refresh()
            if ticks % 90 == 0:
                window.prelabel_panel.prelabel_current_image()
            if ticks % 10 == 0:
                window.poll_external_changes()
                for target in deleted_files():
                    say(f"DELETED {target}")
        except Exception:
            say("ERROR " + traceback.format_exc().replace(chr(10), " | "))

    window.workspace.errorRaised.connect(lambda m: say("ERROR app: " + m)
                                         if "NOT saved" in m else None)
    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(30)
    app.exec()
    """
).replace("DELETED_FILES_HERE", harness.DELETED_FILES)


def start_app_holder(project: Path, seed: int) -> harness.Holder:
    """The real window offscreen as the holder (same output protocol as the harness's)."""
    stop = project.with_name(project.name + ".stop")
    stop.unlink(missing_ok=True)
    log = project.parent.parent / "app-stderr.txt"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", APP_HOLDER, str(project), str(stop), str(seed)],
            stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT, env=env,
        )
    holder = harness.Holder(process, stop, log)
    holder.start_reading()
    return holder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kill-probability", type=float, default=0.5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="labeler-soak-") as tmp:
        batches = 400  # more than any soak needs: one fresh batch per round
        scenario = harness.build_scenario(Path(tmp), batches=batches)
        # the model learns the project's default so "Pre-label this image" has one
        subprocess.run([*harness.LABELER, "prelabel", str(scenario.project), "--model",
                        str(harness.DEMO_MODEL)], check=True, capture_output=True, cwd=ROOT)
        holder = start_app_holder(scenario.project, args.seed)
        time.sleep(3.0)
        deadline = time.monotonic() + args.minutes * 60
        rounds = commands = kills = integrity_failures = lost = 0
        started = time.monotonic()
        failures: list[str] = []
        while time.monotonic() < deadline and rounds < batches:
            try:
                outcomes = harness.run_round(scenario, rounds, rng, args.kill_probability)
            except AssertionError as exc:  # a command failed beside the app
                failures.append(f"round {rounds + 1}: {exc}")
                outcomes = []
            rounds += 1
            commands += len(outcomes) + sum(o.rerun_returncode is not None for o in outcomes)
            kills += sum(o.killed for o in outcomes)
            try:
                harness.check_after_round(scenario, holder)
            except AssertionError as exc:
                failures.append(f"round {rounds}: {exc}")
                text = str(exc)
                lost += "lost" in text
                integrity_failures += "integrity" in text or "cannot open" in text
            print(f"round {rounds}: {len(holder.annotations)} acknowledged, {kills} kills, "
                  f"{len(failures)} failures, {time.monotonic() - started:.0f} s", flush=True)
        holder.stop(timeout=60)
        state = harness.verify(scenario.project)
        missing = holder.annotations - set(state["annotations"])
        final_integrity = state["integrity"]
        leftovers = harness.leftovers(scenario)
    minutes = (time.monotonic() - started) / 60
    print()
    print(f"soak: {minutes:.1f} min, {rounds} rounds, {commands} CLI commands, {kills} SIGKILLs")
    print(f"acknowledged writes (app edits): {len(holder.annotations)}; background-job "
          f"and pre-label writes beside them")
    print(f"lost writes: {len(missing)}  (rounds with losses: {lost})")
    print(f"integrity failures: {integrity_failures + (final_integrity != 'ok')}  "
          f"(final: {final_integrity})")
    print(f"files deleted under the app: {len(holder.deleted)}; app errors: "
          f"{len(holder.errors)}; leftover temporary files: {len(leftovers)}")
    for failure in failures[:5]:
        print("  " + failure[:300])
    for error in holder.errors[:3]:
        print("  app: " + error[:300])
    bad = missing or failures or holder.deleted or holder.errors or final_integrity != "ok"
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
