-- Langlab store, schema 7: a run can be evaluated on another dataset (code from projects it never
-- saw). Such an evaluation is a row of `evaluations` like the run's own test report, plus the
-- dataset it was made on; its per-file predictions get their own table (the run's own test
-- predictions stay in run_predictions). A row with dataset_name NULL is the run's own evaluation.

-- The dataset, while it exists; its name is kept so the evaluation still says what it was made on.
ALTER TABLE evaluations ADD COLUMN dataset_id INTEGER REFERENCES datasets (id) ON DELETE SET NULL;
ALTER TABLE evaluations ADD COLUMN dataset_name TEXT;
-- For an evaluation on a dataset, `split` says which of its files it covered: 'all' or one split.
-- JSON: [{ label, files, predicted: { label: count } }] for the dataset's labels the model lacks
-- (their files are predicted and counted, but kept out of accuracy, report and matrix).
ALTER TABLE evaluations ADD COLUMN unknown_labels TEXT NOT NULL DEFAULT '[]';
CREATE INDEX evaluations_by_dataset ON evaluations (dataset_id);

CREATE TABLE evaluation_predictions (
  evaluation_id    INTEGER NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
  file_index       INTEGER NOT NULL,           -- the file's idx in the evaluation's dataset
  path             TEXT    NOT NULL,
  true_label       TEXT    NOT NULL,           -- the dataset's label, as the model spells it when it knows it
  predicted_label  TEXT    NOT NULL,
  probability      REAL    NOT NULL,           -- of the predicted label
  top              TEXT    NOT NULL,           -- JSON: [{ label, probability }, ...] best first
  PRIMARY KEY (evaluation_id, file_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX evaluation_predictions_by_cell ON evaluation_predictions (evaluation_id, true_label, predicted_label);
