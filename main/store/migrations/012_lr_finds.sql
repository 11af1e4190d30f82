-- Langlab store, schema 12: learning-rate finder runs. A range test is a run of its own kind: it
-- trains a throwaway model and keeps only its curve (no checkpoint, no metrics history, no
-- evaluation), so it has its own table beside `runs` rather than a kind column every runs query
-- would have to filter. The curve is written step by step, so a crash leaves what was measured.

CREATE TABLE lr_finds (
  id               INTEGER PRIMARY KEY,
  status           TEXT    NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'INTERRUPTED')),
  dataset_id       INTEGER REFERENCES datasets (id) ON DELETE SET NULL,
  dataset_name     TEXT    NOT NULL,           -- kept so a finder run still says what it ran on
  model            TEXT    NOT NULL,           -- JSON: the ModelSpec
  hyperparameters  TEXT    NOT NULL,           -- JSON: the complete, validated hyperparameters
  min_lr           REAL    NOT NULL,
  max_lr           REAL    NOT NULL,
  steps            INTEGER NOT NULL,           -- the ramp's length; the curve may stop earlier
  stopped_by       TEXT    CHECK (stopped_by IN ('diverged')),
  steepest         REAL,                       -- the suggestions, once it ended
  min_over_10      REAL,
  suggested        REAL,
  started_at       INTEGER NOT NULL,
  ended_at         INTEGER,
  error            TEXT,
  owner_pid        INTEGER,                    -- the process running it while RUNNING
  owner_host       TEXT
) STRICT;
CREATE INDEX lr_finds_by_dataset ON lr_finds (dataset_id);

CREATE TABLE lr_find_points (
  lr_find_id  INTEGER NOT NULL REFERENCES lr_finds (id) ON DELETE CASCADE,
  step        INTEGER NOT NULL,                -- 1, 2, 3 ... the ramp's step
  lr          REAL    NOT NULL,
  loss        REAL    NOT NULL,
  smoothed    REAL    NOT NULL,
  PRIMARY KEY (lr_find_id, step)
) STRICT, WITHOUT ROWID;
