-- Langlab store, schema 2: what a dataset is made of, so a run can say exactly what it trained on.
-- A dataset and all its rows are written in one transaction (main/store/datasets.ts).

ALTER TABLE datasets ADD COLUMN options TEXT NOT NULL DEFAULT '{}';   -- JSON: seed, fractions, caps
ALTER TABLE datasets ADD COLUMN near_duplicates_truncated INTEGER NOT NULL DEFAULT 0;

CREATE TABLE dataset_files (
  dataset_id  INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  idx         INTEGER NOT NULL,               -- position in the dataset, stable
  root        INTEGER NOT NULL,               -- index into the source's roots
  path        TEXT    NOT NULL,               -- relative to the root, '/'-separated (display form)
  path_bytes  BLOB,                           -- the exact name when it is not valid UTF-8
  label       TEXT    NOT NULL,
  split       TEXT    NOT NULL CHECK (split IN ('train', 'validation', 'test')),
  size        INTEGER NOT NULL,
  sha256      TEXT    NOT NULL,
  text        TEXT,                           -- the content, for CSV/JSONL rows (no file to read)
  PRIMARY KEY (dataset_id, idx)
) STRICT;
CREATE INDEX dataset_files_by_label ON dataset_files (dataset_id, label, idx);

CREATE TABLE dataset_skips (
  dataset_id  INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  reason      TEXT    NOT NULL,
  count       INTEGER NOT NULL,               -- exact, even when fewer paths are listed
  PRIMARY KEY (dataset_id, reason)
) STRICT, WITHOUT ROWID;

CREATE TABLE dataset_skipped_files (
  dataset_id  INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  reason      TEXT    NOT NULL,
  path        TEXT    NOT NULL
) STRICT;
CREATE INDEX dataset_skipped_files_by_reason ON dataset_skipped_files (dataset_id, reason);

CREATE TABLE dataset_duplicates (
  dataset_id  INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  sha256      TEXT    NOT NULL,
  label       TEXT    NOT NULL,
  kept        TEXT    NOT NULL,
  dropped     TEXT    NOT NULL                -- JSON: [path, ...]
) STRICT;
CREATE INDEX dataset_duplicates_by_dataset ON dataset_duplicates (dataset_id);

CREATE TABLE dataset_conflicts (
  dataset_id  INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  sha256      TEXT    NOT NULL,
  files       TEXT    NOT NULL                -- JSON: [{ path, label }, ...]; all were dropped
) STRICT;
CREATE INDEX dataset_conflicts_by_dataset ON dataset_conflicts (dataset_id);

CREATE TABLE dataset_near_duplicates (
  dataset_id  INTEGER NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  a           TEXT    NOT NULL,
  a_split     TEXT    NOT NULL,
  b           TEXT    NOT NULL,
  b_split     TEXT    NOT NULL,
  label       TEXT,                           -- NULL when the two files have different labels
  similarity  REAL    NOT NULL
) STRICT;
CREATE INDEX dataset_near_duplicates_by_dataset ON dataset_near_duplicates (dataset_id);
