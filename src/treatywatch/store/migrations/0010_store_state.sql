-- What the store knows about itself, one value a key. "findings_version": the version of the
-- parsers, checks and reference data (store/cache.py findings_version) that made the current
-- documents' findings; a store checked by other code is checked again on opening
-- (ingest.recheck_stored).
CREATE TABLE store_state (
    state_key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
