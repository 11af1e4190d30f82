-- Langlab store, schema 10: each classification job has a confidence threshold. Files whose top
-- probability is below it count as "unknown" in the job's breakdown; the page can change it, and
-- the breakdown is recomputed from the stored probabilities, never by classifying again. Each
-- result also keeps the language its extension names when the model has no label for it.

-- 0 (nothing unknown) for the jobs stored before this schema: they keep the breakdown they had.
ALTER TABLE classification_jobs ADD COLUMN threshold REAL NOT NULL DEFAULT 0;

-- The language a file's extension names when the model has no label for it (Linguist's name, say
-- "TypeScript"), so the page shows such a file as what it is rather than as a file with no
-- extension; NULL when the extension names one of the model's labels (extension_label), or nothing.
ALTER TABLE classification_results ADD COLUMN extension_language TEXT;
