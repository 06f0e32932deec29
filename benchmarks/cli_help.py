"""How long ``labeler --help`` takes in English and in Korean (translated help and argparse words).

    python benchmarks/cli_help.py [--runs 7] [--before DIR]

Each figure is the median over fresh interpreters (wall time and CPU time, user +
system, of the child): a bare ``python -c pass`` as the baseline, then ``python -m
labeler --help`` with ``LABELER_LANG=en`` (no catalog read) and ``LABELER_LANG=ko``
(the cli catalog is read and every help text is translated while the parser is built).
``--before DIR`` adds the same command run from another source tree (``git archive REV
labeler | tar -x -C DIR``), e.g. the CLI before its messages were translated. CPU time is
the figure to read on a loaded machine; wall time follows the load.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time


def _run(argv: list[str], language: str, path: str | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one child process."""
    env = {**os.environ, "LABELER_LANG": language}
    if path:
        env["PYTHONPATH"] = path
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--before", help="another source tree to time (its labeler package)")
    args = parser.parse_args()
    help_argv = [sys.executable, "-m", "labeler", "--help"]
    cases: dict[str, tuple[list[str], str, str | None]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], "en", None),
        "labeler --help (en)": (help_argv, "en", None),
        "labeler --help (ko)": (help_argv, "ko", None),
    }
    if args.before:
        cases["labeler --help (before)"] = (help_argv, "en", args.before)
    walls: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):  # interleaved, so load changes hit every case alike
        for name, (argv, language, path) in cases.items():
            wall, cpu = _run(argv, language, path)
            walls[name].append(wall)
            cpus[name].append(cpu)
    print(f"load average {os.getloadavg()[0]:.1f}, {args.runs} runs each (medians)")
    english = statistics.median(cpus["labeler --help (en)"])
    for name in cases:
        wall, cpu = statistics.median(walls[name]), statistics.median(cpus[name])
        print(f"{name:24} wall {wall:6.3f} s   cpu {cpu:6.3f} s   cpu / en {cpu / english:5.2f}")

if __name__ == "__main__":
    main()
