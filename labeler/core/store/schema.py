"""The project file's schema and its forward migrations.

``meta.schema_version`` records the version a file is at. Opening an older file
runs every later migration in one transaction; opening a newer one is refused.
Migrations are append-only: never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x4C41424C  # "LABL": marks a SQLite file as a labeler project

_V1 = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('annotator', 'reviewer', 'qa_lead')),
    organization TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE classes (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    color TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('tag', 'box', 'polygon')),
    position INTEGER NOT NULL
);
CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    width INTEGER NOT NULL CHECK (width > 0),
    height INTEGER NOT NULL CHECK (height > 0),
    orientation INTEGER NOT NULL DEFAULT 1,
    file_size INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'new'
);
CREATE TABLE guideline_versions (
    id INTEGER PRIMARY KEY,
    number INTEGER UNIQUE,
    text TEXT NOT NULL,
    changelog TEXT NOT NULL DEFAULT '',
    author_id INTEGER REFERENCES people(id),
    created_at TEXT NOT NULL,
    published_at TEXT,
    content_hash TEXT
);
CREATE TABLE model_runs (
    id INTEGER PRIMARY KEY,
    model_sha256 TEXT NOT NULL,
    model_name TEXT NOT NULL,
    settings TEXT NOT NULL,
    provider TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    image_count INTEGER NOT NULL DEFAULT 0,
    note TEXT
);
CREATE TABLE predictions (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES model_runs(id),
    image_id INTEGER NOT NULL REFERENCES images(id),
    class_id INTEGER NOT NULL REFERENCES classes(id),
    kind TEXT NOT NULL,
    x1 REAL, y1 REAL, x2 REAL, y2 REAL,
    points TEXT,
    score REAL NOT NULL
);
CREATE TABLE annotations (
    id INTEGER PRIMARY KEY,
    image_id INTEGER NOT NULL REFERENCES images(id),
    class_id INTEGER NOT NULL REFERENCES classes(id),
    kind TEXT NOT NULL,
    x1 REAL, y1 REAL, x2 REAL, y2 REAL,
    points TEXT,
    annotator_id INTEGER NOT NULL REFERENCES people(id),
    guideline_version_id INTEGER REFERENCES guideline_versions(id),
    source TEXT NOT NULL
        CHECK (source IN ('manual', 'prelabel_accepted', 'prelabel_edited', 'imported')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    seconds_spent REAL NOT NULL DEFAULT 0,
    prediction_id INTEGER REFERENCES predictions(id),
    replaces_id INTEGER REFERENCES annotations(id),
    deleted_at TEXT
);
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('annotation', 'image')),
    target_id INTEGER NOT NULL,
    reviewer_id INTEGER NOT NULL REFERENCES people(id),
    decision TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'fix')),
    reason TEXT,
    guideline_version_id INTEGER REFERENCES guideline_versions(id),
    created_at TEXT NOT NULL
);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    person_id INTEGER REFERENCES people(id),
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id INTEGER,
    before TEXT,
    after TEXT
);
CREATE INDEX idx_annotations_image ON annotations(image_id);
CREATE INDEX idx_predictions_image ON predictions(image_id, run_id);
CREATE INDEX idx_events_entity ON events(entity, entity_id);
"""

# v2: time spent per image and person (the workspace records it as people work), which
# images each model run covered (an image with no detections is covered too), and indexes
# for the per-annotator and per-run queries of agreement and pre-labeling.
_V2 = """
CREATE TABLE image_time (
    image_id INTEGER NOT NULL REFERENCES images(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    seconds REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (image_id, person_id)
);
CREATE TABLE run_images (
    run_id INTEGER NOT NULL REFERENCES model_runs(id),
    image_id INTEGER NOT NULL REFERENCES images(id),
    PRIMARY KEY (run_id, image_id)
);
CREATE INDEX idx_annotations_annotator ON annotations(annotator_id);
CREATE INDEX idx_predictions_run ON predictions(run_id);
CREATE INDEX idx_reviews_target ON reviews(target_kind, target_id);
"""

# v3: versioned guidelines, review by guideline, roles and vendor work packages.
# - ``uid`` on annotations and reviews: a stable global id (backfilled here, filled in by
#   triggers on every insert) so a vendor package can be imported idempotently and never
#   overwrites anyone else's work. People travel by name (+ organization), images by
#   sha256, classes by name, guideline versions by number + content hash.
# - guideline drafts carry per-class rules and example images (with their shapes); a
#   published version records the classes it changed, which queues older labels of those
#   classes for re-review.
# - acknowledgements: who confirmed having read which version, and when.
# - reviews name the guideline section behind their verdict and link a fix to the
#   annotation it created.
# - assignments: images to people (annotate or review), blind per assignment.
# - package_imports: the provenance of every row merged from a vendor work package.
_V3 = """
ALTER TABLE annotations ADD COLUMN uid TEXT;
ALTER TABLE reviews ADD COLUMN uid TEXT;
UPDATE annotations SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
UPDATE reviews SET uid = lower(hex(randomblob(16))) WHERE uid IS NULL;
CREATE UNIQUE INDEX idx_annotations_uid ON annotations(uid);
CREATE UNIQUE INDEX idx_reviews_uid ON reviews(uid);
CREATE TRIGGER trg_annotations_uid AFTER INSERT ON annotations WHEN NEW.uid IS NULL
BEGIN
    UPDATE annotations SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;
CREATE TRIGGER trg_reviews_uid AFTER INSERT ON reviews WHEN NEW.uid IS NULL
BEGIN
    UPDATE reviews SET uid = lower(hex(randomblob(16))) WHERE id = NEW.id;
END;
ALTER TABLE reviews ADD COLUMN section TEXT;
ALTER TABLE reviews ADD COLUMN fix_annotation_id INTEGER REFERENCES annotations(id);
ALTER TABLE guideline_versions ADD COLUMN changed_classes TEXT NOT NULL DEFAULT '[]';
CREATE TABLE guideline_rules (
    version_id INTEGER NOT NULL REFERENCES guideline_versions(id),
    class_name TEXT NOT NULL,
    text TEXT NOT NULL,
    PRIMARY KEY (version_id, class_name)
);
CREATE TABLE guideline_examples (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    version_id INTEGER NOT NULL REFERENCES guideline_versions(id),
    kind TEXT NOT NULL CHECK (kind IN ('positive', 'negative', 'edge_case')),
    class_name TEXT,
    image_id INTEGER NOT NULL REFERENCES images(id),
    shapes TEXT NOT NULL DEFAULT '[]',
    note TEXT NOT NULL DEFAULT '',
    added_by INTEGER REFERENCES people(id),
    created_at TEXT NOT NULL
);
CREATE TABLE acknowledgements (
    person_id INTEGER NOT NULL REFERENCES people(id),
    version_id INTEGER NOT NULL REFERENCES guideline_versions(id),
    at TEXT NOT NULL,
    PRIMARY KEY (person_id, version_id)
);
CREATE TABLE rereview (
    annotation_id INTEGER PRIMARY KEY REFERENCES annotations(id),
    version_id INTEGER NOT NULL REFERENCES guideline_versions(id),
    queued_at TEXT NOT NULL,
    resolved_at TEXT,
    review_id INTEGER REFERENCES reviews(id)
);
CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    image_id INTEGER NOT NULL REFERENCES images(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    task TEXT NOT NULL CHECK (task IN ('annotate', 'review')),
    blind INTEGER NOT NULL DEFAULT 0,
    hide_prelabels INTEGER NOT NULL DEFAULT 0,
    batch TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    done_at TEXT,
    UNIQUE (image_id, person_id, task)
);
CREATE TABLE package_imports (
    id INTEGER PRIMARY KEY,
    package_id TEXT NOT NULL,
    vendor TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    summary TEXT NOT NULL
);
ALTER TABLE annotations ADD COLUMN package_import_id INTEGER REFERENCES package_imports(id);
ALTER TABLE reviews ADD COLUMN package_import_id INTEGER REFERENCES package_imports(id);
CREATE INDEX idx_assignments_person ON assignments(person_id, task);
CREATE INDEX idx_examples_version ON guideline_examples(version_id);
"""


def _script(sql: str) -> Callable[[sqlite3.Connection], None]:
    def apply(conn: sqlite3.Connection) -> None:
        for statement in sql.split(";"):
            if statement.strip():
                conn.execute(statement)

    return apply


# MIGRATIONS[i] takes a file from schema version i to i + 1.
# v4: who rejected which pre-label (rejected pre-labels stop being offered). Earlier
# builds kept these as JSON lists in meta under "rejected_predictions:<image id>"; they
# are moved into the table.
_V4 = """
CREATE TABLE prediction_rejections (
    prediction_id INTEGER PRIMARY KEY REFERENCES predictions(id),
    person_id INTEGER REFERENCES people(id),
    at TEXT NOT NULL
)
"""


def _apply_v4(conn: sqlite3.Connection) -> None:
    """Create the rejections table and move the meta-kept lists into it."""
    import json
    from datetime import UTC, datetime

    conn.execute(_V4)
    now = datetime.now(UTC).isoformat(timespec="milliseconds")
    rows = conn.execute(
        "SELECT key, value FROM meta WHERE key LIKE 'rejected_predictions:%'"
    ).fetchall()
    for key, value in rows:
        try:
            ids = [int(v) for v in json.loads(value)]
        except (ValueError, TypeError):
            ids = []
        conn.executemany(
            "INSERT OR IGNORE INTO prediction_rejections(prediction_id, person_id, at) "
            "SELECT id, NULL, ? FROM predictions WHERE id = ?",
            [(now, i) for i in ids],
        )
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))


# v5: indexes for per-image lookups that scanned whole tables (the latest model run that
# covered an image ran once per image in export, curate and suggest), for the re-review
# queue in pages (open items in queue order) and for rejected work (rejections only), and
# counts kept by triggers, so the workspace and ``labeler info`` read a few rows instead of
# counting a million images and millions of annotations.
_V5 = """
CREATE INDEX idx_run_images_image ON run_images(image_id, run_id);
CREATE INDEX idx_predictions_run_image ON predictions(run_id, image_id);
CREATE INDEX idx_rereview_open ON rereview(resolved_at, queued_at, annotation_id);
CREATE INDEX idx_reviews_decision ON reviews(decision, target_kind);
CREATE INDEX idx_annotations_deleted ON annotations(id) WHERE deleted_at IS NOT NULL;
CREATE TABLE image_status_counts (
    status TEXT PRIMARY KEY,
    n INTEGER NOT NULL
);
INSERT INTO image_status_counts(status, n) SELECT status, COUNT(*) FROM images GROUP BY status;
CREATE TRIGGER trg_images_count_insert AFTER INSERT ON images
BEGIN
    INSERT INTO image_status_counts(status, n) VALUES (NEW.status, 1)
        ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER trg_images_count_delete AFTER DELETE ON images
BEGIN
    UPDATE image_status_counts SET n = n - 1 WHERE status = OLD.status;
END;
CREATE TRIGGER trg_images_count_status AFTER UPDATE OF status ON images
WHEN NEW.status IS NOT OLD.status
BEGIN
    UPDATE image_status_counts SET n = n - 1 WHERE status = OLD.status;
    INSERT INTO image_status_counts(status, n) VALUES (NEW.status, 1)
        ON CONFLICT(status) DO UPDATE SET n = n + 1;
END;
CREATE TABLE annotation_counts (
    annotator_id INTEGER NOT NULL,
    class_id INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (annotator_id, class_id)
);
INSERT INTO annotation_counts(annotator_id, class_id, n)
    SELECT annotator_id, class_id, COUNT(*) FROM annotations WHERE deleted_at IS NULL
    GROUP BY annotator_id, class_id;
CREATE TRIGGER trg_annotations_count_insert AFTER INSERT ON annotations
WHEN NEW.deleted_at IS NULL
BEGIN
    INSERT INTO annotation_counts(annotator_id, class_id, n)
        VALUES (NEW.annotator_id, NEW.class_id, 1)
        ON CONFLICT(annotator_id, class_id) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER trg_annotations_count_delete AFTER DELETE ON annotations
WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE annotation_counts SET n = n - 1
        WHERE annotator_id = OLD.annotator_id AND class_id = OLD.class_id;
END;
CREATE TRIGGER trg_annotations_count_update
AFTER UPDATE OF annotator_id, class_id, deleted_at ON annotations
WHEN OLD.annotator_id IS NOT NEW.annotator_id OR OLD.class_id IS NOT NEW.class_id
    OR (OLD.deleted_at IS NULL) != (NEW.deleted_at IS NULL)
BEGIN
    UPDATE annotation_counts SET n = n - 1
        WHERE OLD.deleted_at IS NULL AND annotator_id = OLD.annotator_id
        AND class_id = OLD.class_id;
    INSERT INTO annotation_counts(annotator_id, class_id, n)
        SELECT NEW.annotator_id, NEW.class_id, 1 WHERE NEW.deleted_at IS NULL
        ON CONFLICT(annotator_id, class_id) DO UPDATE SET n = n + 1;
END;
"""


def _statements(sql: str) -> Callable[[sqlite3.Connection], None]:
    """Run ``sql`` statement by statement, keeping each trigger body whole."""

    def apply(conn: sqlite3.Connection) -> None:
        pending = ""
        for line in sql.splitlines(keepends=True):
            pending += line
            if sqlite3.complete_statement(pending):
                conn.execute(pending)
                pending = ""

    return apply


# v6: who answered which image. A person has *answered* an image when they finished it
# (the workspace's "done", an imported annotation file listing the image, a vendor's
# "done" in a package), whether or not they drew anything: "nothing here" is an answer.
# Whether an answer is empty is derived from the person's annotations when read (the
# index on annotations by image and annotator keeps that a lookup). Existing files:
# every person with annotations on an image in a finished status (done, needs review,
# rejected) answered it; a finished image without annotations was answered empty by
# the person the audit log names as having marked it done, else by its only annotate
# assignee, else by nobody (it stays unanswered: nobody can be credited with it).
_V6 = """
CREATE TABLE answers (
    image_id INTEGER NOT NULL REFERENCES images(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    answered_at TEXT NOT NULL,
    guideline_version_id INTEGER REFERENCES guideline_versions(id),
    source TEXT NOT NULL
        CHECK (source IN ('workspace', 'imported', 'package', 'migrated')),
    PRIMARY KEY (image_id, person_id)
);
CREATE INDEX idx_answers_person ON answers(person_id, image_id);
CREATE INDEX idx_annotations_image_annotator ON annotations(image_id, annotator_id);
CREATE INDEX idx_annotations_replaces ON annotations(replaces_id) WHERE replaces_id IS NOT NULL
"""

_V6_BACKFILL = """
INSERT OR IGNORE INTO answers(image_id, person_id, answered_at, guideline_version_id, source)
SELECT a.image_id, a.annotator_id, MAX(a.updated_at), MAX(a.guideline_version_id), 'migrated'
FROM annotations a JOIN images i ON i.id = a.image_id
WHERE i.status IN ('done', 'needs_review', 'rejected') AND a.replaces_id IS NULL
  AND (a.deleted_at IS NULL OR EXISTS (SELECT 1 FROM annotations f WHERE f.replaces_id = a.id))
GROUP BY a.image_id, a.annotator_id
"""


def _apply_v6(conn: sqlite3.Connection) -> None:
    """Create the answers table and credit the answers older files imply (see above)."""
    _script(_V6)(conn)
    conn.execute(_V6_BACKFILL)
    empty = conn.execute(
        "SELECT i.id FROM images i WHERE i.status IN ('done', 'needs_review', 'rejected') "
        "AND NOT EXISTS (SELECT 1 FROM answers x WHERE x.image_id = i.id)"
    ).fetchall()
    for (image_id,) in empty:
        person = conn.execute(
            "SELECT e.person_id, e.at FROM events e JOIN people p ON p.id = e.person_id "
            "WHERE e.entity = 'image' AND e.entity_id = ? AND e.action = 'status' "
            "AND e.after = '{\"status\": \"done\"}' ORDER BY e.id DESC LIMIT 1",
            (image_id,),
        ).fetchone()
        if person is None:
            assignees = conn.execute(
                "SELECT person_id, created_at FROM assignments "
                "WHERE image_id = ? AND task = 'annotate'",
                (image_id,),
            ).fetchall()
            person = assignees[0] if len(assignees) == 1 else None
        if person is not None:
            conn.execute(
                "INSERT INTO answers(image_id, person_id, answered_at, source) "
                "VALUES (?, ?, ?, 'migrated')",
                (image_id, person[0], person[1]),
            )
    conn.execute(
        "UPDATE assignments SET done_at = (SELECT answered_at FROM answers x "
        "WHERE x.image_id = assignments.image_id AND x.person_id = assignments.person_id) "
        "WHERE task = 'annotate' AND done_at IS NULL AND EXISTS (SELECT 1 FROM answers x "
        "WHERE x.image_id = assignments.image_id AND x.person_id = assignments.person_id)"
    )


# v7 gathers the tables of several features built side by side: each feature adds its own
# DDL constant and appends it to this list (its own statements, no triggers).
#
# Annotations gain the source 'ai_assisted' (a shape made from a promptable segmenter's mask)
# and a provenance record: the model and the prompts that made the shape.
_V7_PROVENANCE = """
CREATE TABLE annotation_provenance (
    annotation_id INTEGER PRIMARY KEY REFERENCES annotations(id),
    model_sha256 TEXT NOT NULL,
    model_name TEXT NOT NULL,
    prompts TEXT NOT NULL,
    settings TEXT NOT NULL DEFAULT '{}'
)
"""
# Questions an annotator asks on an image (optionally on one of their shapes or a region),
# the answer given in-house, and the guideline edge case it was promoted to
# (labeler.core.store.questions). ``uid`` carries a question through vendor packages.
_V7_QUESTIONS = """
CREATE TABLE questions (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    image_id INTEGER NOT NULL REFERENCES images(id),
    asker_id INTEGER NOT NULL REFERENCES people(id),
    annotation_id INTEGER REFERENCES annotations(id),
    x1 REAL, y1 REAL, x2 REAL, y2 REAL,
    text TEXT NOT NULL,
    class_name TEXT,
    section TEXT,
    guideline_version_id INTEGER REFERENCES guideline_versions(id),
    asked_at TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'promoted')),
    answer TEXT,
    answerer_id INTEGER REFERENCES people(id),
    answered_at TEXT,
    example_id INTEGER,  -- no foreign key: a draft's example may be removed later
    promoted_at TEXT,
    package_import_id INTEGER REFERENCES package_imports(id),
    package_id TEXT  -- the vendor package the question came back in
);
CREATE INDEX questions_by_state ON questions(state, asked_at);
CREATE INDEX questions_by_package ON questions(package_id);
CREATE INDEX questions_by_asker ON questions(asker_id, image_id);
CREATE INDEX questions_by_image ON questions(image_id);
"""
# Class edits: every name a class had before a rename, and the name of a class merged into
# another, resolve to the class that carries the work now, so packages exported before the
# edit come back onto the right class (labeler/core/store/class_edits.py).
_V7_CLASSES = """
CREATE TABLE class_aliases (
    name TEXT PRIMARY KEY,
    class_id INTEGER NOT NULL REFERENCES classes(id),
    reason TEXT NOT NULL CHECK (reason IN ('rename', 'merge')),
    at TEXT NOT NULL
);
CREATE INDEX idx_class_aliases_class ON class_aliases(class_id)
"""
# Gold images: a QA lead marks a reviewed image as gold; its reviewed labels at that moment
# are kept as the reference (a snapshot: later vendor work on the image never changes it; an
# image reviewed empty has no reference rows and means "nothing here"). Marking again
# refreshes the snapshot but keeps ``marked_at``, which separates the work the reference came
# from (answers given before) from the gold answers scored against it (answers given after).
_V7_GOLD = """
CREATE TABLE gold_images (
    image_id INTEGER PRIMARY KEY REFERENCES images(id),
    marked_by INTEGER NOT NULL REFERENCES people(id),
    marked_at TEXT NOT NULL,
    reference_at TEXT NOT NULL,
    guideline_version_id INTEGER REFERENCES guideline_versions(id)
);
CREATE TABLE gold_reference (
    image_id INTEGER NOT NULL REFERENCES gold_images(image_id),
    annotation_id INTEGER NOT NULL REFERENCES annotations(id),
    class_id INTEGER NOT NULL REFERENCES classes(id),
    kind TEXT NOT NULL,
    x1 REAL, y1 REAL, x2 REAL, y2 REAL,
    points TEXT,
    PRIMARY KEY (image_id, annotation_id)
)
"""
# Vendor batches are read from what exists (package grants and imports, assignment batches);
# only their unit prices are stored: per vendor (batch '') or per batch of a vendor.
_V7_VENDOR_BATCHES = """
CREATE TABLE vendor_prices (
    vendor TEXT NOT NULL,
    batch TEXT NOT NULL DEFAULT '',
    per_image REAL,
    per_object REAL,
    currency TEXT NOT NULL,
    set_at TEXT NOT NULL,
    PRIMARY KEY (vendor, batch)
)
"""
# Slices: named, saved subsets of images with the rule that made them, frozen as a list of
# image ids; work sent from a slice (assignments or a vendor package) with the note of why.
_V7_SLICES = """
CREATE TABLE slices (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    rule TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES people(id),
    created_at TEXT NOT NULL,
    evaluated_at TEXT NOT NULL
);
CREATE TABLE slice_images (
    slice_id INTEGER NOT NULL REFERENCES slices(id),
    image_id INTEGER NOT NULL REFERENCES images(id),
    PRIMARY KEY (slice_id, image_id)
) WITHOUT ROWID;
CREATE INDEX idx_slice_images_image ON slice_images(image_id);
CREATE TABLE slice_work (
    id INTEGER PRIMARY KEY,
    slice_id INTEGER NOT NULL REFERENCES slices(id),
    kind TEXT NOT NULL CHECK (kind IN ('assignments', 'package')),
    target TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    images INTEGER NOT NULL,
    sent_by INTEGER REFERENCES people(id),
    sent_at TEXT NOT NULL
);
CREATE INDEX idx_slice_work_slice ON slice_work(slice_id, sent_at)
"""
_V7_PARTS: list[str] = [
    _V7_PROVENANCE,
    _V7_QUESTIONS,
    _V7_CLASSES,
    _V7_GOLD,
    _V7_VENDOR_BATCHES,
    _V7_SLICES,
]
_OLD_SOURCES = "CHECK (source IN ('manual', 'prelabel_accepted', 'prelabel_edited', 'imported'))"
_NEW_SOURCES = (
    "CHECK (source IN ('manual', 'prelabel_accepted', 'prelabel_edited', 'imported', "
    "'ai_assisted'))"
)


def _widen_annotation_sources(conn: sqlite3.Connection) -> None:
    """Allow the 'ai_assisted' source by editing the stored CHECK in place.

    This is SQLite's documented procedure for a change that leaves every stored row valid
    (ALTER TABLE, "making other kinds of table schema changes"): rewrite the table's SQL
    in sqlite_schema and bump the schema cookie, inside the migration's transaction. A
    rebuild would have to drop and recreate the table's six indexes and four triggers.
    """
    (sql,) = conn.execute(
        "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'annotations'"
    ).fetchone()
    if _OLD_SOURCES not in sql:
        raise sqlite3.DatabaseError("annotations table is not the one v1 created")
    (cookie,) = conn.execute("PRAGMA schema_version").fetchone()
    conn.execute("PRAGMA writable_schema = ON")
    try:
        conn.execute(
            "UPDATE sqlite_schema SET sql = ? WHERE type = 'table' AND name = 'annotations'",
            (sql.replace(_OLD_SOURCES, _NEW_SOURCES),),
        )
        conn.execute(f"PRAGMA schema_version = {int(cookie) + 1}")
    finally:
        conn.execute("PRAGMA writable_schema = OFF")


def _apply_v7(conn: sqlite3.Connection) -> None:
    """Widen annotation sources, then create the tables of every v7 feature in order."""
    _widen_annotation_sources(conn)
    for part in _V7_PARTS:
        _script(part)(conn)


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    _script(_V1),
    _script(_V2),
    _statements(_V3),  # its triggers hold semicolons of their own
    _apply_v4,
    _statements(_V5),
    _apply_v6,
    _apply_v7,
]
SCHEMA_VERSION = len(MIGRATIONS)


def read_schema_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the file (0 for a new, empty file)."""
    has_meta = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the migrations from the file's version up to ``target``; return the old version.

    The caller holds the write transaction, so a failed migration leaves the file as it was.
    """
    current = read_schema_version(conn)
    for version in range(current, target):
        MIGRATIONS[version](conn)
        conn.execute(
            "INSERT INTO meta(key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (str(version + 1),),
        )
    return current
