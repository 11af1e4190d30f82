-- Langlab store, schema 3: what training adds beside a run: its log lines (so a reconnecting view
-- asks for what it missed), the test-set predictions behind each confusion-matrix cell, and the
-- New Run form's saved presets.

CREATE TABLE run_logs (
  run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,                   -- 1, 2, 3 ... per run, continued on resume
  level    TEXT    NOT NULL CHECK (level IN ('info', 'warn', 'error')),
  message  TEXT    NOT NULL,
  time     INTEGER NOT NULL,
  PRIMARY KEY (run_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE run_predictions (
  run_id           INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  file_index       INTEGER NOT NULL,           -- the file's idx in the run's dataset
  path             TEXT    NOT NULL,
  true_label       TEXT    NOT NULL,
  predicted_label  TEXT    NOT NULL,
  probability      REAL    NOT NULL,           -- of the predicted label
  top              TEXT    NOT NULL,           -- JSON: [{ label, probability }, ...] best first
  PRIMARY KEY (run_id, file_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX run_predictions_by_cell ON run_predictions (run_id, true_label, predicted_label);

CREATE TABLE presets (
  id               INTEGER PRIMARY KEY,
  name             TEXT    NOT NULL,
  model_kind       TEXT    NOT NULL CHECK (model_kind IN ('pretrained', 'scratch')),
  hyperparameters  TEXT    NOT NULL,           -- JSON: the fields the preset sets
  created_at       INTEGER NOT NULL,
  UNIQUE (name, model_kind)
) STRICT;
