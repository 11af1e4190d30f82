-- Langlab store, schema 8: the execution provider a run's steps actually ran on. `provider` stays
-- the one asked for; a provider that could not start (no GPU adapter, missing CUDA libraries) falls
-- back to the CPU, and the run says so on its page and in its list instead of showing the wish.

-- NULL until the engine has created its session (and for older runs that asked for a GPU: unknown).
ALTER TABLE runs ADD COLUMN provider_used TEXT;
-- Why the run is not on the provider it asked for, in one line; NULL when it is.
ALTER TABLE runs ADD COLUMN provider_warning TEXT;
-- Before this schema every run that asked for the CPU ran on it.
UPDATE runs SET provider_used = 'cpu' WHERE provider = 'cpu';
