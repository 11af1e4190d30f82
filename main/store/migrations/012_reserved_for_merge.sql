-- Langlab store, schema 12: left empty on the branch that adds schema 13 (two models on one
-- folder), whose number was given before another branch's schema 12 was merged. Drop this file
-- when that branch's 012 is merged; it changes nothing.
SELECT 1;
