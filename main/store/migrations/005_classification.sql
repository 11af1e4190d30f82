-- Langlab store, schema 5: a classification job counts the files it left out (binary, empty, not
-- UTF-8, oversize, vendored, generated, .gitignore'd), and each result keeps its file's size, so a
-- job's page can say what it did not read and how many bytes each language holds.

ALTER TABLE classification_jobs ADD COLUMN files_skipped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE classification_results ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
