from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from labeler.core.errors import ProjectVersionError
from labeler.core.geometry import Box
from labeler.core.store import SCHEMA_VERSION, Project
from labeler.core.store.schema import APPLICATION_ID, migrate


def make_v1_file(path: Path) -> None:
    """A project file exactly as schema version 1 wrote it, with some data."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn, target=1)
    conn.execute("INSERT INTO meta VALUES ('name', 'old'), ('project_id', 'abc')")
    conn.execute(
        "INSERT INTO classes(name, color, kind, position) VALUES ('dent', '#fff', 'box', 0)")
    conn.execute("INSERT INTO people(name, role, created_at) VALUES ('ann', 'annotator', 't')")
    conn.execute(
        "INSERT INTO images(sha256, path, width, height, file_size, added_at) "
        "VALUES ('h', 'a.jpg', 100, 80, 10, 't')")
    conn.execute(
        "INSERT INTO annotations(image_id, class_id, kind, x1, y1, x2, y2, annotator_id, source,"
        " created_at, updated_at) VALUES (1, 1, 'box', 1, 2, 30, 40, 1, 'manual', 't', 't')")
    conn.execute("COMMIT")
    conn.close()


def test_older_file_is_migrated_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.labeler"
    make_v1_file(path)
    with Project.open(path) as project:
        assert project.schema_version == SCHEMA_VERSION
        [annotation] = project.annotations()
        assert annotation.geometry == Box(1, 2, 30, 40)
        # v2 added per-image working time; it must work on the migrated file.
        project.add_image_time(1, 1, 3.0)
        assert project.image_time(1, 1) == 3.0
        assert project.integrity_check() == "ok"
    with Project.open(path) as again:  # opening a current file changes nothing
        assert again.schema_version == SCHEMA_VERSION


def test_newer_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.labeler"
    Project.create(path, ["a"]).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ProjectVersionError, match=r"newer labeler.*schema 99"):
        Project.open(path)
    assert path.read_bytes() == before


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from labeler.core.store import schema

    path = tmp_path / "old.labeler"
    make_v1_file(path)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done(x)")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(schema, "MIGRATIONS", [schema.MIGRATIONS[0], broken])
    with pytest.raises(RuntimeError):
        Project.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone() == ("1",)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchone() is None
    conn.close()


def test_v4_moves_rejected_prelabels_out_of_meta(tmp_path: Path) -> None:
    path = tmp_path / "v3.labeler"
    make_v1_file(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn, target=3)
    conn.execute("INSERT INTO model_runs(model_sha256, model_name, settings, provider, "
                 "started_at) VALUES ('h', 'm', '{}', 'CPU', 't')")
    conn.execute("INSERT INTO predictions(run_id, image_id, class_id, kind, x1, y1, x2, y2, "
                 "score) VALUES (1, 1, 1, 'box', 1, 1, 9, 9, 0.9)")
    conn.execute("INSERT INTO meta VALUES ('rejected_predictions:1', '[1, 77]')")
    conn.execute("COMMIT")
    conn.close()
    with Project.open(path) as project:
        assert project.schema_version == SCHEMA_VERSION
        assert project.rejected_prediction_ids(1) == {1}  # 77 never existed: dropped
        assert not any(k.startswith("rejected_predictions:") for k in project.meta())


def test_v6_credits_answers_from_finished_images(tmp_path: Path) -> None:
    path = tmp_path / "v5.labeler"
    make_v1_file(path)  # image 1 carries ann's box
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    migrate(conn, target=5)
    conn.execute("INSERT INTO people(name, role, created_at) VALUES ('bo', 'annotator', 't')")
    conn.execute("INSERT INTO people(name, role, created_at) VALUES ('cy', 'annotator', 't')")
    for sha in ("h2", "h3", "h4", "h5"):
        conn.execute(
            "INSERT INTO images(sha256, path, width, height, file_size, added_at, status) "
            f"VALUES ('{sha}', '{sha}.jpg', 100, 80, 10, 't', 'done')")
    conn.execute("UPDATE images SET status = 'needs_review' WHERE id = 1")
    conn.execute("UPDATE images SET status = 'in_progress' WHERE id = 5")
    # image 2: bo marked it done (the audit log says so); image 3: cy is its only assignee;
    # image 4: nobody can be credited; image 5 is not finished.
    conn.execute("INSERT INTO events(at, person_id, action, entity, entity_id, before, after) "
                 "VALUES ('t2', 2, 'status', 'image', 2, '{\"status\": \"new\"}', "
                 "'{\"status\": \"done\"}')")
    conn.execute("INSERT INTO assignments(image_id, person_id, task, created_at) "
                 "VALUES (3, 3, 'annotate', 't3')")
    conn.execute(
        "INSERT INTO annotations(image_id, class_id, kind, x1, y1, x2, y2, annotator_id, source,"
        " created_at, updated_at) VALUES (5, 1, 'box', 1, 2, 30, 40, 2, 'manual', 't', 't')")
    conn.execute("COMMIT")
    conn.close()
    with Project.open(path) as project:
        assert project.schema_version == SCHEMA_VERSION
        assert project.answer_pairs() == [(1, 1), (2, 2), (3, 3)]
        assert project.answer(1, 1).empty is False  # type: ignore[union-attr]
        assert project.answered_empty_image_ids() == {2, 3}
        assert [a.done_at for a in project.assignments()] == ["t3"]
        assert {a.source for a in project.answers_by(2)} == {"migrated"}
        assert project.integrity_check() == "ok"


def test_v7_allows_ai_assisted_shapes_in_a_migrated_file_and_keeps_the_check(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.labeler"
    make_v1_file(path)
    with Project.open(path) as project:
        assert project.integrity_check() == "ok"
    conn = sqlite3.connect(path, isolation_level=None)
    insert = (
        "INSERT INTO annotations(image_id, class_id, kind, x1, y1, x2, y2, annotator_id, source,"
        " created_at, updated_at) VALUES (1, 1, 'box', 1, 2, 3, 4, 1, ?, 't', 't')"
    )
    conn.execute(insert, ("ai_assisted",))  # the widened CHECK takes the new source
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(insert, ("made_up",))  # and still refuses anything else
    (count,) = conn.execute("SELECT n FROM annotation_counts WHERE class_id = 1").fetchone()
    assert count == 2  # the table's triggers survived the schema edit
    conn.close()
