-- Langlab experiment store, schema 1. Modelled on MLflow's tracking store: experiments, runs with
-- status and times, immutable params, metric history plus a latest-value table, tags, artifacts.

CREATE TABLE experiments (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL
) STRICT;

INSERT INTO experiments (id, name, created_at) VALUES (1, 'Default', CAST(unixepoch('subsec') * 1000 AS INTEGER));

CREATE TABLE datasets (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL,
  source_kind   TEXT    NOT NULL CHECK (source_kind IN ('folder', 'csv', 'jsonl', 'repositories')),
  source        TEXT    NOT NULL,             -- JSON: the paths and options it was made from
  fingerprint   TEXT    NOT NULL,             -- hash over the sorted (content hash, label, split) triples
  class_counts  TEXT    NOT NULL,             -- JSON: [{ label, files, bytes }]
  split_counts  TEXT    NOT NULL,             -- JSON: { train, validation, test }
  created_at    INTEGER NOT NULL
) STRICT;

CREATE TABLE runs (
  id            INTEGER PRIMARY KEY,
  experiment_id INTEGER NOT NULL DEFAULT 1 REFERENCES experiments (id),
  name          TEXT    NOT NULL,
  status        TEXT    NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'INTERRUPTED')),
  dataset_id    INTEGER REFERENCES datasets (id) ON DELETE SET NULL,
  model_kind    TEXT    NOT NULL CHECK (model_kind IN ('pretrained', 'scratch')),
  model_source  TEXT    NOT NULL DEFAULT '',  -- model folder for 'pretrained'
  provider      TEXT    NOT NULL DEFAULT 'cpu',
  start_time    INTEGER NOT NULL,
  end_time      INTEGER,
  error         TEXT,
  owner_pid     INTEGER,                      -- process that runs it; lets a restart tell a crash from a live run
  owner_host    TEXT,
  note          TEXT    NOT NULL DEFAULT '',
  artifact_dir  TEXT
) STRICT;
CREATE INDEX runs_by_start ON runs (start_time DESC);
CREATE INDEX runs_by_status ON runs (status);

CREATE TABLE params (
  run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key     TEXT    NOT NULL,
  value   TEXT    NOT NULL,                   -- JSON-encoded value
  PRIMARY KEY (run_id, key)
) STRICT, WITHOUT ROWID;

-- Params are immutable once logged, as in MLflow.
CREATE TRIGGER params_immutable BEFORE UPDATE ON params
BEGIN
  SELECT RAISE(ABORT, 'params are immutable once logged');
END;

CREATE TABLE metrics (
  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key        TEXT    NOT NULL,
  step       INTEGER NOT NULL,
  epoch      REAL,
  timestamp  INTEGER NOT NULL,
  value      REAL                              -- NULL stands for NaN / infinity
) STRICT;
CREATE INDEX metrics_by_run_key_step ON metrics (run_id, key, step);

CREATE TABLE latest_metrics (
  run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  key        TEXT    NOT NULL,
  step       INTEGER NOT NULL,
  epoch      REAL,
  timestamp  INTEGER NOT NULL,
  value      REAL,
  PRIMARY KEY (run_id, key)
) STRICT, WITHOUT ROWID;

CREATE TABLE run_tags (
  run_id  INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  tag     TEXT    NOT NULL,
  PRIMARY KEY (run_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX run_tags_by_tag ON run_tags (tag);

CREATE TABLE artifacts (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  kind        TEXT    NOT NULL,               -- 'checkpoint', 'best-checkpoint', 'export', 'log', ...
  path        TEXT    NOT NULL,               -- relative to the data directory
  bytes       INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX artifacts_by_run ON artifacts (run_id);

CREATE TABLE evaluations (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  split       TEXT    NOT NULL,               -- 'test', 'validation'
  labels      TEXT    NOT NULL,               -- JSON: the label order of report rows and matrix axes
  report      TEXT    NOT NULL,               -- JSON: per class precision/recall/f1/support + averages
  confusion   TEXT    NOT NULL,               -- JSON: rows = true label, columns = predicted label
  accuracy    REAL    NOT NULL,
  macro_f1    REAL    NOT NULL,
  weighted_f1 REAL    NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX evaluations_by_run ON evaluations (run_id);

CREATE TABLE classification_jobs (
  id           INTEGER PRIMARY KEY,
  run_id       INTEGER REFERENCES runs (id) ON DELETE SET NULL,
  model_path   TEXT    NOT NULL,
  root         TEXT    NOT NULL,              -- the folder that was classified
  status       TEXT    NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'FAILED', 'KILLED', 'INTERRUPTED')),
  files_total  INTEGER NOT NULL DEFAULT 0,
  files_done   INTEGER NOT NULL DEFAULT 0,
  error        TEXT,
  owner_pid    INTEGER,
  owner_host   TEXT,
  started_at   INTEGER NOT NULL,
  ended_at     INTEGER
) STRICT;

CREATE TABLE classification_results (
  job_id           INTEGER NOT NULL REFERENCES classification_jobs (id) ON DELETE CASCADE,
  path             TEXT    NOT NULL,          -- relative to the job's root
  label            TEXT    NOT NULL,
  confidence       REAL    NOT NULL,
  extension_label  TEXT,                      -- what the file's extension says, when it says anything
  top              TEXT    NOT NULL,          -- JSON: [[label, probability], ...] best first
  PRIMARY KEY (job_id, path)
) STRICT, WITHOUT ROWID;
