-- Langlab store, schema 11: sweeps. A sweep is a queue of training runs (trials) over a grid of
-- hyperparameter values or seeded random draws, run one at a time; each trial becomes a normal run
-- linked here. Its definition and every trial's values are written before the first trial starts,
-- so a crash leaves the queue to resume: the trials without a run are the ones still to do.

CREATE TABLE sweeps (
  id          INTEGER PRIMARY KEY,
  name        TEXT    NOT NULL,
  status      TEXT    NOT NULL CHECK (status IN ('RUNNING', 'FINISHED', 'KILLED', 'INTERRUPTED')),
  dataset_id  INTEGER REFERENCES datasets (id) ON DELETE SET NULL,
  definition  TEXT    NOT NULL,                -- JSON: the SweepDefinition as started (seed filled in)
  metric      TEXT    NOT NULL CHECK (metric IN ('val_loss', 'val_accuracy', 'test_accuracy', 'test_macro_f1')),
  created_at  INTEGER NOT NULL,
  ended_at    INTEGER,
  error       TEXT,
  owner_pid   INTEGER,                         -- the process driving the queue while RUNNING
  owner_host  TEXT
) STRICT;

CREATE TABLE sweep_trials (
  sweep_id  INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  idx       INTEGER NOT NULL,                  -- 1, 2, 3 ... in the order the trials run
  params    TEXT    NOT NULL,                  -- JSON: the values this trial varies
  -- pending: not started; started: its run exists (the run's status says the rest); dropped: the
  -- sweep was cancelled before it started; failed: its run could not start (error says why).
  state     TEXT    NOT NULL CHECK (state IN ('pending', 'started', 'dropped', 'failed')),
  run_id    INTEGER REFERENCES runs (id) ON DELETE SET NULL,
  error     TEXT,
  PRIMARY KEY (sweep_id, idx)
) STRICT, WITHOUT ROWID;
CREATE INDEX sweep_trials_by_run ON sweep_trials (run_id);
