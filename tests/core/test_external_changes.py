"""Commits made by other connections and processes reach the app's connection as changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from labeler.core.events import Change
from labeler.core.external_changes import EXTERNAL, ExternalChangeWatcher
from labeler.core.store import Project


def test_other_connections_are_seen_and_own_commits_are_not(tmp_path: Path) -> None:
    path = tmp_path / "p.labeler"
    with Project.create(path, ["scratch"]) as app:
        watcher = ExternalChangeWatcher(app)
        assert watcher.poll() == []
        app.add_person("Own")  # our own connection: published by the store already
        assert watcher.poll() == []
        with Project.open(path) as job:
            person = job.add_person("Quinn", "qa_lead")
            job.publish_guideline("# Guide\n\nText.\n", "first", person.id)
        changes = watcher.poll()
        assert changes[-1] == EXTERNAL
        assert Change("person", "create", (person.id,)) in changes
        assert any(c.entity == "guideline" and c.action == "publish" for c in changes)
        assert watcher.poll() == []


def test_a_cli_process_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "p.labeler"
    guide = tmp_path / "g.md"
    guide.write_text("# Guide\n\n## 1 scratch\nLines.\n", encoding="utf-8")
    with Project.create(path, ["scratch"]) as app:
        watcher = ExternalChangeWatcher(app)
        subprocess.run(
            [sys.executable, "-m", "labeler.cli", "guideline", "publish", str(path), str(guide),
             "--changes", "from the terminal"],
            check=True, capture_output=True,
        )
        changes = watcher.poll()
        assert any(c.entity == "guideline" and c.action == "publish" for c in changes)
        assert app.current_guideline() is not None
