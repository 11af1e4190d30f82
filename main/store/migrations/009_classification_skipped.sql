-- Langlab store, schema 9: a classification job keeps what it left out and why (a file or a whole
-- folder, by the walk's reason: binary, not UTF-8, empty, oversize, vendored, generated, minified,
-- .gitignore'd, unreadable), so its page can list them; files_skipped stays the count.

CREATE TABLE classification_skipped (
  job_id  INTEGER NOT NULL REFERENCES classification_jobs (id) ON DELETE CASCADE,
  path    TEXT    NOT NULL,                   -- relative to the job's root; a folder ends in '/'
  reason  TEXT    NOT NULL,
  PRIMARY KEY (job_id, path)
) STRICT, WITHOUT ROWID;
CREATE INDEX classification_skipped_by_reason ON classification_skipped (job_id, reason, path);
