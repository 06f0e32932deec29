"""The project file under the real access pattern: the app, its background jobs and the CLI.

One *holder* process plays the app: it keeps a long-lived connection that writes
(the workspace) and, from worker threads, opens and closes further connections
through the public API (the app's background jobs), some of which write too.
Beside it, ``labeler`` subprocesses run the commands a user runs while the app is
open, and some of them are SIGKILLed at random points. After every round a fresh
process checks that every write the holder acknowledged is there, that the file
is sound, and the harness checks that nothing the holder holds was deleted under
it (``/proc/self/fd``) and that each killed command's work is whole or absent and
is finished by a re-run.

Used by ``tests/core/store/test_torture.py`` (a few rounds) and
``benchmarks/soak.py`` (minutes, with the real app offscreen).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[3]
DEMO_MODEL = ROOT / "labeler" / "data" / "models" / "demo_damage.onnx"
CLASSES = ["scratch", "crack", "dent"]
LABELER = [sys.executable, "-m", "labeler.cli"]

# Pasted into the holder scripts: which project files this process holds that were deleted
# (needs ``os`` and the project file's base ``name``).
DELETED_FILES = textwrap.dedent(
    """
    def deleted_files():
        found = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if name in target and target.endswith("(deleted)"):
                found.append(target)
        return found
    """
).strip()

# The holder: the app's connection pattern, without Qt. It prints "ACK <kind> <id>" only
# after the write committed, "DELETED <fd target>" if a project file it holds vanished,
# and "ERROR <text>" for anything unexpected; it stops when the stop file appears.
HOLDER = textwrap.dedent(
    """
    import os, random, sys, threading, time, traceback
    from labeler.core.geometry import Box
    from labeler.core.store import Project

    path, stop, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    name = os.path.basename(path)
    lock = threading.Lock()
    def say(line):
        with lock:
            print(line, flush=True)

    DELETED_FILES_HERE

    def background_jobs(number):
        rng = random.Random(seed * 100 + number)
        n = 0
        while not os.path.exists(stop):
            try:
                with Project.open(path) as job:  # what every app job does
                    job.status_counts()
                    job.image_count()
                    job.model_runs()
                    if rng.random() < 0.3:
                        key = f"bg:{number}:{n}"
                        job.set_meta(key, "x")
                        say(f"ACK meta {key}")
                n += 1
            except Exception:
                say("ERROR " + traceback.format_exc().replace(chr(10), " | "))
            time.sleep(rng.uniform(0.005, 0.05))

    workspace = Project.open(path)  # the app's long-lived connection
    person = workspace.ensure_person("Holder")
    images = [i.id for i in workspace.images()]
    threads = [threading.Thread(target=background_jobs, args=(k,), daemon=True)
               for k in range(2)]
    for t in threads:
        t.start()
    rng = random.Random(seed)
    writes = 0
    while not os.path.exists(stop):
        try:
            x = rng.uniform(0, 60)
            a = workspace.add_annotation(rng.choice(images), 1, Box(x, 5, x + 20, 30), person.id)
            say(f"ACK annotation {a.id}")
            writes += 1
            if writes % 10 == 0:
                for target in deleted_files():
                    say(f"DELETED {target}")
        except Exception:
            say("ERROR " + traceback.format_exc().replace(chr(10), " | "))
        time.sleep(rng.uniform(0.002, 0.02))
    for t in threads:
        t.join(timeout=10)
    for target in deleted_files():
        say(f"DELETED {target}")
    workspace.close()
    say("STOPPED")
    """
).replace("DELETED_FILES_HERE", DELETED_FILES)

# A fresh process's view of the file: what a user opening it later would see.
VERIFY = textwrap.dedent(
    """
    import json, sys
    from labeler.core.store import Project
    with Project.open(sys.argv[1]) as p:
        ids = [r[0] for r in p._db.conn.execute("SELECT id FROM annotations")]
        meta = list(p.meta())
        print(json.dumps({"integrity": p.integrity_check(), "annotations": ids, "meta": meta,
                          "info": p.info()}))
    """
)


def write_image(path: Path, seed: int, width: int = 320, height: int = 240) -> Path:
    """A real JPEG with a few bright blobs (the demo model sees something in some)."""
    rng = np.random.default_rng(seed)
    image = np.full((height, width, 3), 60 + seed % 50, np.uint8)
    for _ in range(3):
        x, y = int(rng.integers(20, width - 60)), int(rng.integers(20, height - 60))
        cv2.rectangle(image, (x, y), (x + 40, y + 8), (220, 220, 220), -1)
    noise = rng.integers(0, 20, image.shape, dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), cv2.add(image, noise))
    return path


@dataclass
class Holder:
    """The running holder process and what it has acknowledged so far."""

    process: subprocess.Popen[str]
    stop_file: Path
    stderr_log: Path
    annotations: set[int] = field(default_factory=set)
    meta_keys: set[str] = field(default_factory=set)
    deleted: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    stopped: bool = False
    _reader: threading.Thread | None = None

    def start_reading(self) -> None:
        """Collect the holder's lines in a thread."""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            kind, _, rest = line.strip().partition(" ")
            if kind == "ACK":
                what, _, value = rest.partition(" ")
                if what == "annotation":
                    self.annotations.add(int(value))
                else:
                    self.meta_keys.add(value)
            elif kind == "DELETED":
                self.deleted.append(rest)
            elif kind == "ERROR":
                self.errors.append(rest)
            elif kind == "STOPPED":
                self.stopped = True

    def stop(self, timeout: float = 30) -> None:
        """Ask the holder to finish and wait for it."""
        self.stop_file.touch()
        try:
            self.process.wait(timeout=timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            if self._reader is not None:
                self._reader.join(timeout=5)
            if self.process.stdout is not None:
                self.process.stdout.close()
            self.stop_file.unlink(missing_ok=True)

    def stderr_text(self) -> str:
        """What the holder wrote to stderr (its tracebacks, if it died)."""
        return self.stderr_log.read_text(errors="replace")[-3000:]


def start_holder(project: Path, seed: int) -> Holder:
    """Start the app-like holder process on ``project``."""
    stop = project.with_name(project.name + ".stop")
    stop.unlink(missing_ok=True)
    log = project.parent.parent / "holder-stderr.txt"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(project), str(stop), str(seed)],
            stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT,
        )
    holder = Holder(process, stop, log)
    holder.start_reading()
    return holder


def verify(project: Path) -> dict:
    """What a fresh process sees in the project file."""
    done = subprocess.run([sys.executable, "-c", VERIFY, str(project)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    if done.returncode != 0:
        raise AssertionError(f"a fresh process cannot open the project: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


@dataclass
class Scenario:
    """The files one torture run works with."""

    root: Path
    project: Path
    guideline: Path
    package: Path
    image_batches: list[Path]


def build_scenario(root: Path, images: int = 6, batches: int = 4) -> Scenario:
    """A project with images, people, a guideline v1, and a vendor package with work in it."""
    from labeler.core.geometry import Box
    from labeler.core.importing import import_images
    from labeler.core.packages import export_package, open_package, save_package, select_images
    from labeler.core.store import Project

    project_path = root / "shop" / "shop.labeler"
    folder = project_path.parent / "images"
    for i in range(images):
        write_image(folder / f"img{i}.jpg", seed=i)
    guideline = root / "guide.md"
    guideline.write_text("# Guide\n\n## 1 scratch\nThin lines.\n\n## 2 crack\nBranches.\n",
                         encoding="utf-8")
    package = root / "vendor_a.lbpkg"
    with Project.create(project_path, CLASSES) as project:
        import_images(project, [folder])
        lead = project.add_person("Quinn", "qa_lead")
        project.add_person("Vik", organization="Vendor A")
        project.publish_guideline(guideline.read_text(encoding="utf-8"), "first", lead.id)
        export_package(project, package, "Vendor A", select_images(project, "all"))
    with Project.open(open_package(package)) as inner:
        vik = inner.person_by_name("Vik")
        assert vik is not None
        inner.acknowledge(vik.id)
        for image in inner.images()[:3]:
            inner.add_annotation(image.id, 2, Box(10, 10, 60, 40), vik.id)
    save_package(package)
    batch_folders = []
    for b in range(batches):
        batch = root / f"batch{b}"
        for i in range(3):
            write_image(batch / f"b{b}_{i}.jpg", seed=1000 + b * 10 + i)
        batch_folders.append(batch)
    return Scenario(root, project_path, guideline, package, batch_folders)


@dataclass
class CommandOutcome:
    """One CLI command of a round: whether it was killed, and its re-run's exit code."""

    name: str
    killed: bool
    returncode: int
    rerun_returncode: int | None = None
    stderr: str = ""


def _run(args: list[str], kill_after: float | None) -> tuple[bool, int, str]:
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=ROOT)
    killed = False
    if kill_after is not None:
        try:
            process.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            killed = True
    _, stderr = process.communicate(timeout=300)
    return killed, process.returncode, stderr


def round_commands(scenario: Scenario, round_no: int) -> list[tuple[str, list[str]]]:
    """The commands of one round, as a user beside the open app would run them."""
    p = str(scenario.project)
    batch = scenario.image_batches[round_no % len(scenario.image_batches)]
    out = scenario.root / f"export{round_no}"
    return [
        ("info", [*LABELER, "info", p, "--json"]),
        ("import", [*LABELER, "import", p, str(batch), "--json"]),
        ("prelabel", [*LABELER, "prelabel", p, "--model", str(DEMO_MODEL), "--json"]),
        ("guideline publish", [*LABELER, "guideline", "publish", p, str(scenario.guideline),
                               "--changes", f"round {round_no}"]),
        ("package import", [*LABELER, "package", "import", p, str(scenario.package),
                            "--json"]),
        ("export", [*LABELER, "export", p, str(out), "--format", "coco", "--json"]),
    ]


def run_round(scenario: Scenario, round_no: int, rng: random.Random,
              kill_probability: float = 0.5,
              on_command: Callable[[str], None] | None = None,
              force_kill: frozenset[str] = frozenset()) -> list[CommandOutcome]:
    """Run one round of CLI commands, SIGKILLing some, and re-run each killed one.

    A killed command's result must be whole or absent; its re-run must finish it
    (a publish or an export is re-run only if the killed one did not get through).
    Commands named in ``force_kill`` are killed for sure (early); the others with
    ``kill_probability`` at a random point, if they are still running then.
    """
    outcomes = []
    base = scenario.guideline.read_text(encoding="utf-8").split("\n\nRound ")[0]
    scenario.guideline.write_text(f"{base}\n\nRound {round_no}: clarified.\n",
                                  encoding="utf-8")
    for name, args in round_commands(scenario, round_no):
        if on_command is not None:
            on_command(name)
        versions_before = (len(verify(scenario.project)["info"]["guideline_versions"])
                           if name == "guideline publish" else 0)
        kill_after = rng.uniform(0.15, 1.5) if rng.random() < kill_probability else None
        if name in force_kill:  # within its start-up: a kill that always lands
            kill_after = rng.uniform(0.05, 0.2)
        killed, code, stderr = _run(args, kill_after)
        outcome = CommandOutcome(name, killed, code, stderr=stderr)
        if not killed and code != 0:
            raise AssertionError(f"{name} failed beside the app: {stderr[-1500:]}")
        if killed:
            state = check_whole_or_absent(scenario, name, round_no)
            published = len(state["info"]["guideline_versions"]) > versions_before
            exported = (scenario.root / f"export{round_no}" / "manifest.json").is_file()
            done = (name == "guideline publish" and published) or (name == "export" and exported)
            if not done:  # killed before its work was complete: the re-run finishes it
                _, outcome.rerun_returncode, outcome.stderr = _run(args, None)
                if outcome.rerun_returncode != 0:
                    raise AssertionError(f"re-run of {name} failed: {outcome.stderr[-1500:]}")
        outcomes.append(outcome)
    return outcomes


def check_whole_or_absent(scenario: Scenario, name: str, round_no: int) -> dict:
    """After a SIGKILL: the command's visible result is complete or not there at all."""
    if name == "export":
        out = scenario.root / f"export{round_no}"
        if out.exists():
            assert (out / "manifest.json").is_file(), f"{out}: a partial export is visible"
    state = verify(scenario.project)
    assert state["integrity"] == "ok", state["integrity"]
    if name == "guideline publish":
        for version in state["info"]["guideline_versions"]:
            assert version["number"] and version["published_at"], version
    return state


def leftovers(scenario: Scenario) -> list[str]:
    """Hidden temporary files or folders a finished (or re-run) command left behind."""
    found = []
    for folder in (scenario.root, scenario.project.parent):
        for entry in folder.iterdir():
            if entry.name.startswith(".") or entry.name.endswith((".part", ".building")):
                found.append(str(entry))
    return found


def check_after_round(scenario: Scenario, holder: Holder) -> dict:
    """Every acknowledged write is visible to a fresh process; nothing was deleted."""
    acknowledged, acknowledged_meta = set(holder.annotations), set(holder.meta_keys)
    state = verify(scenario.project)  # acknowledged before this began: must all be there
    assert state["integrity"] == "ok", state["integrity"]
    missing = acknowledged - set(state["annotations"])
    assert not missing, f"{len(missing)} acknowledged annotations lost, e.g. {sorted(missing)[:5]}"
    missing_meta = acknowledged_meta - set(state["meta"])
    assert not missing_meta, f"acknowledged background writes lost: {sorted(missing_meta)[:5]}"
    assert not holder.deleted, f"files deleted under the holder: {holder.deleted[:3]}"
    assert not holder.errors, f"the holder failed: {holder.errors[:2]}"
    assert holder.process.poll() is None or holder.stopped, (
        f"the holder died: {holder.stderr_text()}"
    )
    return state


def check_final(scenario: Scenario, rounds: int) -> dict:
    """After all rounds: every command's work is complete (re-runs finished what kills cut)."""
    state = verify(scenario.project)
    info = state["info"]
    expected_images = len(list((scenario.project.parent / "images").iterdir())) + 3 * min(
        rounds, len(scenario.image_batches)
    )
    assert info["images"] == expected_images, (info["images"], expected_images)
    runs = info["model_runs"]
    assert runs, "no model run"
    assert all(r["finished_at"] for r in runs), f"an unfinished run is left: {runs}"
    covered = sum(r["images"] for r in runs)
    assert covered == expected_images, f"runs cover {covered} of {expected_images} images"
    assert len(info["guideline_versions"]) == rounds + 1
    for r in range(rounds):
        assert (scenario.root / f"export{r}" / "manifest.json").is_file()
    assert not leftovers(scenario), leftovers(scenario)
    return state


def env_ok() -> bool:
    """The harness needs /proc (Linux) to see deleted files under the holder."""
    return os.path.isdir("/proc/self/fd") and DEMO_MODEL.is_file()


def settle(seconds: float) -> None:
    """Let the holder write for a while."""
    time.sleep(seconds)
