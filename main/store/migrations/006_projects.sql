-- Langlab store, schema 6: every dataset file records the project it comes from, so validation and
-- test can hold out whole projects (a file's neighbours in its own project share its style).
-- NULL: the input named no project (a flat class folder, a table without a project column).

ALTER TABLE dataset_files ADD COLUMN project TEXT;
CREATE INDEX dataset_files_by_project ON dataset_files (dataset_id, label, project);
