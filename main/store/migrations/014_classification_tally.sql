-- Langlab store, schema 14: a classification job keeps its language breakdown as it stores results,
-- counted per top label and per thousandth of confidence, so its page opens and answers a threshold
-- change without reading every result: at a threshold of whole thousandths (all the app sets) the
-- buckets above and below it are summed here; any other threshold also reads the results of the
-- one bucket it falls inside, so the counts stay exact. Each job also keeps the precision its
-- model ran in.

CREATE TABLE classification_tally (
  job_id      INTEGER NOT NULL REFERENCES classification_jobs (id) ON DELETE CASCADE,
  label       TEXT    NOT NULL,
  -- The largest k in [0, 1000] with confidence >= k / 1000 (-1 below 0): a threshold of exactly
  -- k / 1000 keeps buckets k and up.
  bucket      INTEGER NOT NULL,
  files       INTEGER NOT NULL,
  bytes       INTEGER NOT NULL,
  disagree    INTEGER NOT NULL,                -- extension_label names another label
  with_ext    INTEGER NOT NULL,                -- extension_label IS NOT NULL
  with_other  INTEGER NOT NULL,                -- extension_language IS NOT NULL
  PRIMARY KEY (job_id, label, bucket)
) STRICT, WITHOUT ROWID;

-- A two-model job's breakdown per model by top label (whatever the confidence), and how the two
-- agree, kept the same way, so its side-by-side view reads no result either.
CREATE TABLE classification_pair_tally (
  job_id  INTEGER NOT NULL REFERENCES classification_jobs (id) ON DELETE CASCADE,
  model   TEXT    NOT NULL CHECK (model IN ('a', 'b')),
  label   TEXT    NOT NULL,
  files   INTEGER NOT NULL,
  bytes   INTEGER NOT NULL,
  PRIMARY KEY (job_id, model, label)
) STRICT, WITHOUT ROWID;
-- Files both models classified with labels the other has (compared), of those the ones where the
-- two differ, and the files where one top label is one the other model lacks.
ALTER TABLE classification_jobs ADD COLUMN pair_compared INTEGER NOT NULL DEFAULT 0;
ALTER TABLE classification_jobs ADD COLUMN pair_disagreements INTEGER NOT NULL DEFAULT 0;
ALTER TABLE classification_jobs ADD COLUMN pair_outside_shared INTEGER NOT NULL DEFAULT 0;

-- 1 once classification_tally (and, for a two-model job, the pair tally) holds every stored result of the job. Jobs stored before this schema
-- have 0 and are counted into it the first time their page opens.
ALTER TABLE classification_jobs ADD COLUMN tallied INTEGER NOT NULL DEFAULT 0 CHECK (tallied IN (0, 1));

-- 'float32', or 'int8' (the run's model-int8/ export: linear layers in int8).
ALTER TABLE classification_jobs ADD COLUMN precision TEXT NOT NULL DEFAULT 'float32' CHECK (precision IN ('float32', 'int8'));
