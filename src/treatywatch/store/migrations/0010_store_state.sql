-- What the store knows about itself, one value a key. "reader_version": the version of the
-- readers, checks and reference data (store/cache.py reader_version) that read the current
-- documents; a store read by other code is read and checked again on opening
-- (ingest.recheck_stored).
CREATE TABLE store_state (
    state_key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
