-- Langlab store, schema 13: a classification job can classify its folder with a second run's model
-- too, each file read once and classified by both. The job keeps the second model and how the two
-- label sets meet; each result keeps the second model's prediction and whether the two agree, so
-- the job's page lists the disagreements paged and sorted in SQL.

ALTER TABLE classification_jobs ADD COLUMN second_run_id INTEGER REFERENCES runs (id) ON DELETE SET NULL;
ALTER TABLE classification_jobs ADD COLUMN second_model_path TEXT;
-- JSON {"a": [...], "b": [...]}: each model's labels, so the page can name the labels only one knows
-- after a model folder is gone. NULL for a one-model job.
ALTER TABLE classification_jobs ADD COLUMN compare_labels TEXT;

ALTER TABLE classification_results ADD COLUMN second_label TEXT;
ALTER TABLE classification_results ADD COLUMN second_confidence REAL;
ALTER TABLE classification_results ADD COLUMN second_top TEXT;    -- JSON as top: [[label, probability], ...]
-- 1 when both top labels are the same, 0 when they are two different labels both models know, NULL
-- when either top label is one the other model has no label for (or there is no second model).
ALTER TABLE classification_results ADD COLUMN agree INTEGER CHECK (agree IN (0, 1));

CREATE INDEX classification_results_disagreeing ON classification_results (job_id, path) WHERE agree = 0;
