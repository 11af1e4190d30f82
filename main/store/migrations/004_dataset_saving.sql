-- Langlab store, schema 4: a large dataset is saved in many short transactions so the app's main
-- thread never stalls on it. Until its last row is written it carries the process saving it; every
-- reader skips such a dataset, and a store opened after a crash deletes the ones whose process is
-- gone (main/store/datasets.ts).

ALTER TABLE datasets ADD COLUMN saving_pid INTEGER;   -- NULL once complete
ALTER TABLE datasets ADD COLUMN saving_host TEXT;
